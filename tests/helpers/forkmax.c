/*
 * forkmax FILE: forks children that wait, until fork fails; writes
 * "held N ERRNO_NAME" to FILE (N children held at once), then waits for
 * FILE.go to exist (the host has read what it wanted), lets the children
 * go, reaps them and exits 0. Exit 1 on a usage or write error.
 *
 * Under a pids limit of L, with the init and us in the cgroup, N is L - 2
 * and the error EAGAIN: the fork bomb, made countable.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	char go[4096];
	int p[2], held = 0, err;
	struct timespec ms = { 0, 10000000 };
	FILE *f;
	pid_t pid;

	if (argc != 2 || snprintf(go, sizeof go, "%s.go", argv[1]) >= (int)sizeof go) {
		fputs("usage: forkmax FILE\n", stderr);
		return 1;
	}
	if (pipe(p) < 0)
		return 1;
	for (;;) {
		pid = fork();
		if (pid < 0)
			break;
		if (pid == 0) {
			char c;
			close(p[1]);
			/* until the write end closes */
			while (read(p[0], &c, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
		if (++held > 100000)
			break;
	}
	err = errno;
	if (!(f = fopen(argv[1], "w")))
		return 1;
	fprintf(f, "held %d %s\n", held, err == EAGAIN ? "EAGAIN" : strerror(err));
	if (fclose(f) != 0)
		return 1;
	/* the host reads the cgroup's counters while we hold the children */
	while (access(go, F_OK) != 0)
		nanosleep(&ms, NULL);
	close(p[1]);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}
