/*
 * ptyrun [-t SECONDS] [-o TRANSCRIPT] -- CMD [ARG]...
 *
 * Runs CMD as the session leader of a new pseudo-terminal (its controlling
 * terminal: ^C, ^\ and ^Z work as at a real one) and drives it with a
 * script read from stdin, one command per line:
 *   send TEXT     write TEXT (escapes: \n \r \t \\ \xHH, so ^C is \x03)
 *   expect TEXT   wait until TEXT appears in the output after the last match
 *   wait          wait for CMD to exit; prints "exit N" or "signal N"
 *   resize R C    set the window size to R rows, C columns (the kernel
 *                 sends SIGWINCH to the terminal's foreground group)
 * -s RxC sets the window size before CMD starts.
 * Everything CMD writes goes to TRANSCRIPT when given.
 * Exit status: 0 done, 3 an expect or wait timed out (the output so far is
 * printed), 2 usage, 1 a system error.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char out[1 << 20];
static size_t out_len, matched;
static int master, transcript = -1, timeout_ms = 10000;
static pid_t child;

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads what the terminal has, waiting at most ms; 0 on EOF. */
static int
pump(int ms)
{
	struct pollfd p = { .fd = master, .events = POLLIN };
	char buf[4096];
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return 1;
	n = read(master, buf, sizeof buf);
	if (n <= 0)
		return errno == EINTR || errno == EAGAIN ? 1 : 0; /* EIO: slave closed */
	if (transcript >= 0 && write(transcript, buf, (size_t)n) < 0)
		transcript = -1;
	if (out_len + (size_t)n > sizeof out)
		n = (ssize_t)(sizeof out - out_len);
	memcpy(out + out_len, buf, (size_t)n);
	out_len += (size_t)n;
	return 1;
}

static void
unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			*w++ = *s;
			continue;
		}
		switch (*++s) {
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		case 't': *w++ = '\t'; break;
		case 'x': {
			char hex[3] = { s[1], s[1] ? s[2] : 0, 0 };
			*w++ = (char)strtol(hex, NULL, 16);
			s += 2;
			break;
		}
		default: *w++ = *s; break;
		}
	}
	*w = 0;
}

static void
fail(const char *what, const char *arg)
{
	fprintf(stderr, "ptyrun: timeout: %s '%s'\n--- output so far ---\n%.*s\n---\n",
	        what, arg, (int)out_len, out);
	kill(-child, SIGKILL);
	exit(3);
}

static void
expect(const char *text)
{
	long long deadline = now_ms() + timeout_ms;
	size_t n = strlen(text);

	for (;;) {
		size_t i;
		for (i = matched; i + n <= out_len; i++)
			if (memcmp(out + i, text, n) == 0) {
				matched = i + n;
				return;
			}
		if (now_ms() >= deadline || !pump((int)(deadline - now_ms())))
			if (now_ms() >= deadline || !pump(0))
				fail("expect", text);
	}
}

static void
wait_child(void)
{
	long long deadline = now_ms() + timeout_ms;
	int status;

	for (;;) {
		pid_t r = waitpid(child, &status, WNOHANG);
		if (r == child)
			break;
		if (now_ms() >= deadline)
			fail("wait", "");
		pump(20);
	}
	while (pump(0) && out_len < sizeof out)
		;
	if (WIFEXITED(status))
		printf("exit %d\n", WEXITSTATUS(status));
	else
		printf("signal %d\n", WTERMSIG(status));
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	char line[4096];
	const char *size = NULL;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			timeout_ms = atoi(argv[++i]) * 1000;
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			transcript = open(argv[++i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
			size = argv[++i];
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: ptyrun [-t SECONDS] [-o FILE] -- CMD [ARG]...\n");
		return 2;
	}
	if ((master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 ||
	    grantpt(master) < 0 || unlockpt(master) < 0) {
		perror("ptyrun: pty");
		return 1;
	}
	if (size) {
		struct winsize ws = { 0 };
		if (sscanf(size, "%hux%hu", &ws.ws_row, &ws.ws_col) != 2 ||
		    ioctl(master, TIOCSWINSZ, &ws) < 0) {
			fprintf(stderr, "ptyrun: -s %s: expected ROWSxCOLS\n", size);
			return 2;
		}
	}
	if ((child = fork()) < 0) {
		perror("ptyrun: fork");
		return 1;
	}
	if (child == 0) {
		int slave;
		setsid();
		if ((slave = open(ptsname(master), O_RDWR)) < 0 ||
		    ioctl(slave, TIOCSCTTY, 0) < 0) {
			perror("ptyrun: slave");
			_exit(1);
		}
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		if (slave > 2)
			close(slave);
		execvp(argv[i + 1], argv + i + 1);
		perror(argv[i + 1]);
		_exit(127);
	}
	while (fgets(line, sizeof line, stdin)) {
		line[strcspn(line, "\n")] = 0;
		if (strncmp(line, "send ", 5) == 0) {
			unescape(line + 5);
			if (write(master, line + 5, strlen(line + 5)) < 0)
				perror("ptyrun: send");
		} else if (strncmp(line, "expect ", 7) == 0) {
			unescape(line + 7);
			expect(line + 7);
		} else if (strncmp(line, "resize ", 7) == 0) {
			struct winsize ws = { 0 };
			if (sscanf(line + 7, "%hu %hu", &ws.ws_row, &ws.ws_col) != 2 ||
			    ioctl(master, TIOCSWINSZ, &ws) < 0)
				perror("ptyrun: resize");
		} else if (strcmp(line, "wait") == 0) {
			wait_child();
			return 0;
		} else if (line[0] && line[0] != '#') {
			fprintf(stderr, "ptyrun: unknown command: %s\n", line);
			kill(-child, SIGKILL);
			return 2;
		}
	}
	kill(-child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}
