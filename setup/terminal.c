#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "fdpass.h"
#include "file.h"
#include "log.h"
#include "terminal.h"

static struct termios saved;
static int saved_fd = -1;

static void
close_pair(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	p[0] = p[1] = -1;
}

/*
 * Does std descriptor fd pass into the container as it is? Pipes and
 * sockets do. A terminal does not, nor a file or a device (a redirection,
 * /dev/null from a service manager): the container's root would be the
 * owner of the host's inode behind /proc/self/fd/N, free to chmod a
 * setuid bit onto a log file or to write a read-only input. Those are
 * relayed through pipes, as Docker's do. A closed one stays closed.
 */
static int
passes(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return 1;
	return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
}

/* The host's /dev/null (a service manager's stdin): the container's own
 * does the same, with no relay. */
static int
is_null(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
}

static int
pipe_unless_passes(struct terminal *t, int fd, int p[2], int *relayed)
{
	p[0] = p[1] = -1;
	if (passes(fd))
		return 0;
	if (is_null(fd)) {
		t->null_fds |= 1 << fd;
		return 0;
	}
	*relayed = 1;
	return pipe2(p, O_CLOEXEC);
}

int
terminal_prepare(struct terminal *t, int tty)
{
	int relayed = 0;

	memset(t, 0, sizeof *t);
	t->pipe_in[0] = t->pipe_in[1] = t->pipe_out[0] = t->pipe_out[1] = -1;
	t->pipe_err[0] = t->pipe_err[1] = t->master = -1;
	if (tty || (isatty(0) && isatty(1))) {
		t->mode = TERM_PTY;
		/* stdin and stdout are the pty; stderr too when a terminal */
		return isatty(2) ? 0 : pipe_unless_passes(t, 2, t->pipe_err, &relayed);
	}
	if (pipe_unless_passes(t, 0, t->pipe_in, &relayed) < 0 ||
	    pipe_unless_passes(t, 1, t->pipe_out, &relayed) < 0 ||
	    pipe_unless_passes(t, 2, t->pipe_err, &relayed) < 0)
		return -1;
	t->mode = relayed ? TERM_PIPES : TERM_NONE;
	return 0;
}

int
terminal_child_stdio(struct terminal *t)
{
	/* a session of its own: no controlling terminal, none to take */
	if (setsid() < 0)
		return -1;
	if ((t->pipe_in[0] >= 0 && dup2(t->pipe_in[0], 0) < 0) ||
	    (t->pipe_out[1] >= 0 && dup2(t->pipe_out[1], 1) < 0) ||
	    (t->pipe_err[1] >= 0 && dup2(t->pipe_err[1], 2) < 0))
		return -1;
	close_pair(t->pipe_in);
	close_pair(t->pipe_out);
	close_pair(t->pipe_err);
	return 0;
}

/* pts/ptmx below our /dev, reached through no symbolic link. */
static int
open_ptmx(int devfd)
{
	struct open_how how = {
		.flags = O_RDWR | O_NOCTTY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, devfd, "pts/ptmx", &how, sizeof how);
}

int
terminal_child_pty(const struct terminal *t, int devfd, int sock, const char **why)
{
	struct winsize ws;
	int master, slave, unlock = 0, have_ws, ret = -1, fd;

	if (t->null_fds) {
		*why = "/dev/null";
		if ((fd = openat(devfd, "null", O_RDWR | O_CLOEXEC | O_NOFOLLOW)) < 0)
			return -1;
		for (int i = 0; i < 3; i++)
			if ((t->null_fds & (1 << i)) && dup2(fd, i) < 0) {
				close_keep_errno(fd);
				return -1;
			}
		close(fd);
	}
	if (t->mode != TERM_PTY)
		return 0;

	have_ws = ioctl(0, TIOCGWINSZ, &ws) == 0 || ioctl(1, TIOCGWINSZ, &ws) == 0;
	if (t->console_socket) {
		memset(&ws, 0, sizeof ws);
		ws.ws_row = t->rows;
		ws.ws_col = t->cols;
		have_ws = t->rows || t->cols;
	}
	*why = "/dev/pts/ptmx";
	if ((master = open_ptmx(devfd)) < 0)
		return -1;
	*why = "the new terminal";
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0 ||
	    (slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		goto out;
	if (have_ws)
		ioctl(slave, TIOCSWINSZ, &ws);
	/* our session's controlling terminal, and stdin, stdout, and stderr
	 * unless that goes elsewhere than a terminal (2>file) */
	if (ioctl(slave, TIOCSCTTY, 0) < 0 || dup2(slave, 0) < 0 || dup2(slave, 1) < 0 ||
	    ((isatty(2) || t->console_socket) && dup2(slave, 2) < 0)) { /* else a pipe already (or a pipe of the caller's) */
		close_keep_errno(slave);
		goto out;
	}
	close(slave);
	*why = "the launcher";
	ret = fdpass_send(sock, 't', &master, 1);
out:
	close_keep_errno(master);
	return ret;
}

int
terminal_parent_start(struct terminal *t, int sock)
{
	char byte = 0;

	/* the child's ends, which it took */
	if (t->pipe_in[0] >= 0)
		close(t->pipe_in[0]);
	if (t->pipe_out[1] >= 0)
		close(t->pipe_out[1]);
	if (t->pipe_err[1] >= 0)
		close(t->pipe_err[1]);
	t->pipe_in[0] = t->pipe_out[1] = t->pipe_err[1] = -1;
	if (t->mode == TERM_PTY &&
	    (fdpass_recv(sock, &byte, &t->master, 1) != 1 || byte != 't'))
		return -1;
	return 0;
}

int
terminal_prepare_detached(struct terminal *t,
                          void (*sink)(void *ctx, int stream, const char *buf, size_t n),
                          void *ctx)
{
	memset(t, 0, sizeof *t);
	t->pipe_in[0] = t->pipe_in[1] = t->master = -1;
	t->mode = TERM_PIPES;
	t->null_fds = 1;
	t->sink = sink;
	t->sink_ctx = ctx;
	if (pipe2(t->pipe_out, O_CLOEXEC) < 0 || pipe2(t->pipe_err, O_CLOEXEC) < 0)
		return -1;
	return 0;
}

void
terminal_restore(void)
{
	if (saved_fd >= 0)
		tcsetattr(saved_fd, TCSADRAIN, &saved);
	saved_fd = -1;
}

void
terminal_raw(struct terminal *t)
{
	struct termios raw;

	if (t->mode != TERM_PTY || !isatty(0) || tcgetattr(0, &saved) < 0)
		return;
	raw = saved;
	cfmakeraw(&raw);
	if (tcsetattr(0, TCSADRAIN, &raw) == 0) {
		saved_fd = 0;
		log_at_exit(terminal_restore);
	}
}

void
terminal_resize(const struct terminal *t)
{
	struct winsize ws;

	if (t->master >= 0 && (ioctl(0, TIOCGWINSZ, &ws) == 0 || ioctl(1, TIOCGWINSZ, &ws) == 0))
		ioctl(t->master, TIOCSWINSZ, &ws);
}

/* Copies what is there from one descriptor to another (or to the sink,
 * as stream to): 1 on data, 0 on end of file (or the pty's EIO), -1 on
 * error. */
static int
copy_once(const struct terminal *t, int from, int to)
{
	char buf[65536];
	ssize_t n;

	do
		n = read(from, buf, sizeof buf);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return 1;
	if (n <= 0)
		return n == 0 || errno == EIO ? 0 : -1;
	if (t->sink && (to == 1 || to == 2)) {
		t->sink(t->sink_ctx, to, buf, (size_t)n);
		return 1;
	}
	return write_all(to, buf, (size_t)n) < 0 ? -1 : 1;
}

enum { P_SIG, P_IN, P_OUT, P_ERR, P_N };

void
terminal_relay(struct terminal *t, int (*on_signal)(int sig, int value, void *ctx),
               int (*timeout_ms)(void *ctx), void *ctx)
{
	struct pollfd p[P_N];
	int to_in, sfd, done = 0, drain_ms = -1;
	unsigned long long all = ~0ULL;
	struct termios tio;

	memset(p, 0, sizeof p);
	if ((sfd = (int)syscall(SYS_signalfd4, -1, &all, 8, SFD_CLOEXEC)) < 0)
		die_errno(EXIT_SETUP, "cannot make a signalfd");
	p[P_SIG].fd = sfd;
	if (t->mode == TERM_PTY) {
		p[P_IN].fd = 0;
		to_in = t->master;
		p[P_OUT].fd = t->master;
		p[P_ERR].fd = t->pipe_err[0];
	} else {
		p[P_IN].fd = t->pipe_in[1] >= 0 ? 0 : -1;
		to_in = t->pipe_in[1];
		p[P_OUT].fd = t->pipe_out[0];
		p[P_ERR].fd = t->pipe_err[0];
	}
	for (int i = 0; i < P_N; i++)
		p[i].events = POLLIN;
	for (;;) {
		int n, i;
		if (done && p[P_OUT].fd < 0 && p[P_ERR].fd < 0)
			break;
		n = poll(p, P_N, done ? drain_ms : timeout_ms(ctx));
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 && done) /* drained, but for what nobody closes */
			break;
		if (n == 0) {
			on_signal(0, 0, ctx);
			continue;
		}
		if (p[P_SIG].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
				if (si.ssi_signo == SIGWINCH && t->mode == TERM_PTY)
					terminal_resize(t);
				else if (on_signal((int)si.ssi_signo,
				                   si.ssi_code == SI_QUEUE ? si.ssi_int : 0, ctx) == 1 &&
				         !done) {
					/* the container is gone: what it wrote is read
					 * to the end, nothing more goes in */
					done = 1;
					drain_ms = 1000;
					p[P_IN].fd = p[P_SIG].fd = -1;
				}
			}
		}
		if (p[P_IN].revents) {
			int r = copy_once(t, p[P_IN].fd, to_in);
			if (r <= 0) {
				/* the caller's input ended: the container's does */
				p[P_IN].fd = -1;
				if (t->mode == TERM_PTY && tcgetattr(t->master, &tio) == 0)
					write_all(t->master, (const char *)&tio.c_cc[VEOF], 1);
				else if (t->pipe_in[1] >= 0) {
					close(t->pipe_in[1]);
					t->pipe_in[1] = -1;
				}
			}
		}
		for (i = P_OUT; i <= P_ERR; i++)
			if (p[i].fd >= 0 && p[i].revents &&
			    copy_once(t, p[i].fd, i == P_OUT ? 1 : 2) <= 0)
				p[i].fd = -1;
	}
	close(sfd);
}

void
terminal_pass(struct terminal *t)
{
	memset(t, 0, sizeof *t);
	t->pipe_in[0] = t->pipe_in[1] = t->pipe_out[0] = t->pipe_out[1] = -1;
	t->pipe_err[0] = t->pipe_err[1] = t->master = -1;
	t->mode = TERM_NONE;
}

void
terminal_for_console(struct terminal *t, const char *socket, unsigned short rows,
                     unsigned short cols)
{
	terminal_pass(t);
	t->mode = TERM_PTY;
	t->console_socket = socket;
	t->rows = rows;
	t->cols = cols;
}

int
terminal_console_send(const char *path, int master)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s, r;

	if (strlen(path) >= sizeof a.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(a.sun_path, path);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	r = connect(s, (struct sockaddr *)&a, sizeof a) < 0 ? -1 : fdpass_send(s, 't', &master, 1);
	close_keep_errno(s);
	return r;
}
