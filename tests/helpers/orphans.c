/*
 * orphans [-b] [-w] [-c CODE] N: makes N orphans (a child forks a
 * grandchild and exits at once, so the grandchild is reparented to the init).
 *   default  each orphan exits at once
 *   -b       burst: every orphan waits until all N exist, then all exit
 *            together (they block on a pipe that is closed at the end)
 *   -w       after that, wait forever (the payload stays, the orphans go)
 *   -c CODE  instead: N children of ours wait on the pipe, and we close it
 *            and exit CODE at once, so we and they end together (SIGCHLDs
 *            merge at the init)
 * Prints "made N" on stdout when done. Exit status 0, or 1 if a fork failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	int burst = 0, stay = 0, together = -1, i, n, p[2];
	char c;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-b") == 0)
			burst = 1;
		else if (strcmp(argv[i], "-w") == 0)
			stay = 1;
		else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			together = atoi(argv[++i]);
	}
	if (i >= argc || (n = atoi(argv[i])) <= 0) {
		fprintf(stderr, "usage: orphans [-b] [-w] N\n");
		return 2;
	}
	if (pipe(p) < 0)
		return 1;
	if (together >= 0) {
		for (i = 0; i < n; i++) {
			pid_t pid = fork();
			if (pid < 0)
				return 1;
			if (pid == 0) {
				close(p[1]);
				while (read(p[0], &c, 1) < 0 && errno == EINTR)
					;
				_exit(0);
			}
		}
		close(p[1]);
		_exit(together);
	}
	for (i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			if (fork() == 0) {
				close(p[1]);
				if (burst)
					while (read(p[0], &c, 1) < 0 && errno == EINTR)
						;
				_exit(0);
			}
			_exit(0);
		}
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	close(p[0]);
	close(p[1]); /* releases a burst */
	printf("made %d\n", n);
	fflush(stdout);
	if (stay)
		for (;;)
			pause();
	return 0;
}
