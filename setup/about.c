#include <stdio.h>

#include "about.h"
#include "version.h" /* generated: only this file is rebuilt for a new commit */

int
about_version(void)
{
	printf("mocker version %s\ncommit: %s\nlicense: MIT (see LICENSE)\n",
	       MOCKER_VERSION, MOCKER_COMMIT);
	return fflush(stdout) == 0 ? 0 : 1;
}
