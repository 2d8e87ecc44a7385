#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "monitor.h"
#include "watch.h"

int
main(void)
{
	const char *role = getenv("MOCKER_MONITOR");

	prctl(PR_SET_NAME, "mocker"); /* not the memory file's number */
	if (role && strcmp(role, "watch") == 0 && getenv("MOCKER_WATCH_FD")) {
		watch_cgroup(atoi(getenv("MOCKER_WATCH_FD")), getenv("MOCKER_FORGET"),
		             getenv("MOCKER_FORGET_LINK"), getenv("MOCKER_FORGET_ID"),
		             getenv("MOCKER_NFT"));
		return 0;
	}
	if (role && strcmp(role, "run") == 0)
		return monitor_detached();
	return 2; /* not for use by hand */
}
