/*
 * flushwriter FILE [-d] [-i]: a process that needs time to shut down. It
 * writes FILE.ready, then waits; on SIGTERM it takes 0.5 s to "flush" and
 * then writes "flushed" to FILE and exits 0.
 *   -d  daemonise first (fork, setsid, fork): nobody waits for it
 *   -i  ignore SIGTERM (then only SIGKILL ends it)
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror(path);
		close(fd);
	}
}

int
main(int argc, char **argv)
{
	char ready[4096];
	sigset_t set;
	int sig, i, daemon = 0, ignore = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: flushwriter FILE [-d] [-i]\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "-d") == 0)
			daemon = 1;
		if (strcmp(argv[i], "-i") == 0)
			ignore = 1;
	}
	if (daemon) {
		if (fork() != 0)
			_exit(0);
		setsid();
		if (fork() != 0)
			_exit(0);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	if (ignore)
		signal(SIGTERM, SIG_IGN);
	else
		sigprocmask(SIG_BLOCK, &set, NULL);
	snprintf(ready, sizeof ready, "%s.ready", argv[1]);
	put(ready, "ready\n");
	if (ignore)
		for (;;)
			pause();
	sigwait(&set, &sig);
	{
		struct timespec t = { 0, 500000000 };
		nanosleep(&t, NULL);
	}
	put(argv[1], "flushed\n");
	return 0;
}
