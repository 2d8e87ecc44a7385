/*
 * shutdown INIT [ARGS]... -- K: how long an init takes to exit after its
 * payload does, with K leftover processes that exit at once on SIGTERM.
 * Starts `unshare -p -f --mount-proc INIT [ARGS] -- shutdown --payload K FD`;
 * the payload makes K children (pause()), writes the time, and exits 0.
 * Prints the ms from the payload's exit to the init's (seen as unshare's).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
main(int argc, char **argv)
{
	int i, k, p[2], status;
	char fdarg[16], karg[16], self[4096];
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	long long t0, t1;
	pid_t u;

	if (argc == 4 && strcmp(argv[1], "--payload") == 0) {
		int fd = atoi(argv[3]);
		for (k = atoi(argv[2]); k > 0; k--)
			if (fork() == 0) {
				close(fd);
				for (;;)
					pause();
			}
		t0 = now_ns();
		if (write(fd, &t0, sizeof t0) < 0)
			return 1;
		_exit(0);
	}
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		;
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: shutdown INIT [ARGS]... -- K\n");
		return 2;
	}
	k = atoi(argv[i + 1]);
	if (len <= 0 || pipe(p) < 0)
		return 1;
	self[len] = 0;
	snprintf(fdarg, sizeof fdarg, "%d", p[1]);
	snprintf(karg, sizeof karg, "%d", k);
	if ((u = fork()) == 0) {
		char *args[64];
		int n = 0, j;
		args[n++] = "unshare";
		args[n++] = "-p";
		args[n++] = "-f";
		args[n++] = "--mount-proc";
		for (j = 1; j < i && n < 56; j++)
			args[n++] = argv[j];
		args[n++] = "--";
		args[n++] = self;
		args[n++] = "--payload";
		args[n++] = karg;
		args[n++] = fdarg;
		args[n] = NULL;
		close(p[0]);
		execvp(args[0], args);
		_exit(127);
	}
	close(p[1]);
	if (read(p[0], &t0, sizeof t0) != sizeof t0)
		return 1;
	waitpid(u, &status, 0);
	t1 = now_ns();
	printf("ms %.2f status %d\n", (t1 - t0) / 1e6, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}
