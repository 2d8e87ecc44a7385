/*
 * nodeath CMD [ARG]...: clears its parent-death signal, as a hostile init
 * would, then execs CMD: killing mocker no longer takes it along.
 * Exit status 127 if CMD cannot be run.
 */
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: nodeath CMD [ARG]...\n", stderr);
		return 2;
	}
	if (prctl(PR_SET_PDEATHSIG, 0) < 0)
		perror("nodeath: prctl");
	execvp(argv[1], argv + 1);
	perror("nodeath: exec");
	return 127;
}
