/*
 * sigsoon SIG DELAY_US CMD [ARG]...: runs CMD and sends it SIG DELAY_US
 * microseconds after it has exec'd (watched for in /proc, with no sleep),
 * to hit a program in its first moments. Exits with CMD's status, 128+N
 * when signal N killed it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct stat self, st;
	char path[64];
	int sig, delay, status;
	pid_t pid;

	if (argc < 4) {
		fprintf(stderr, "usage: sigsoon SIG DELAY_US CMD [ARG]...\n");
		return 2;
	}
	sig = atoi(argv[1]);
	delay = atoi(argv[2]);
	if (stat("/proc/self/exe", &self) < 0 || (pid = fork()) < 0)
		return 1;
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		_exit(127);
	}
	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	while (stat(path, &st) == 0 && st.st_ino == self.st_ino && st.st_dev == self.st_dev)
		;
	if (delay > 0) {
		struct timespec ts = { 0, delay * 1000L };
		nanosleep(&ts, NULL);
	}
	kill(pid, sig);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
