/*
 * timeit [-q] N CMD [ARG]...: runs CMD N times, one after the other, and
 * prints each run's wall-clock time in microseconds, one per line (fork,
 * exec and wait included; no shell in between). -q: CMD's stdout goes to
 * /dev/null, so that only the times are printed. Exit status 1 if a run
 * failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int
main(int argc, char **argv)
{
	int quiet = argc > 1 && strcmp(argv[1], "-q") == 0, n, i, bad = 0;

	argv += quiet;
	argc -= quiet;
	n = argc > 2 ? atoi(argv[1]) : 0;

	if (n <= 0) {
		fprintf(stderr, "usage: timeit [-q] N CMD [ARG]...\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		double t0 = now_us();
		int status;
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			if (quiet && !freopen("/dev/null", "w", stdout))
				_exit(127);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		printf("%.1f\n", now_us() - t0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			bad = 1;
	}
	return bad;
}
