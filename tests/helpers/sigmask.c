/*
 * sigmask [-b SIG]... [-i SIG]... -- CMD [ARG]...: execs CMD with the
 * signals given by -b blocked and those given by -i ignored, to check what
 * a program passes on to the programs it starts. SIG is a number.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	sigset_t set;
	int i;

	sigemptyset(&set);
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "-b") == 0 && i + 1 < argc)
			sigaddset(&set, atoi(argv[++i]));
		else if (strcmp(argv[i], "-i") == 0 && i + 1 < argc)
			signal(atoi(argv[++i]), SIG_IGN);
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: sigmask [-b SIG]... [-i SIG]... -- CMD [ARG]...\n");
		return 2;
	}
	sigprocmask(SIG_SETMASK, &set, NULL);
	execvp(argv[i + 1], argv + i + 1);
	perror(argv[i + 1]);
	return 127;
}
