#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

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

/* A pipe in place of std descriptor fd when it is a terminal. */
static int
pipe_if_tty(int fd, int p[2])
{
	p[0] = p[1] = -1;
	if (!isatty(fd))
		return 0;
	return pipe2(p, O_CLOEXEC);
}

int
terminal_prepare(struct terminal *t, int tty)
{
	memset(t, 0, sizeof *t);
	t->pipe_in[0] = t->pipe_in[1] = t->pipe_out[0] = t->pipe_out[1] = -1;
	t->pipe_err[0] = t->pipe_err[1] = t->master = -1;
	if (tty || (isatty(0) && isatty(1))) {
		t->mode = TERM_PTY;
		return 0;
	}
	if (!isatty(0) && !isatty(1) && !isatty(2))
		return 0;
	t->mode = TERM_PIPES;
	if (pipe_if_tty(0, t->pipe_in) < 0 || pipe_if_tty(1, t->pipe_out) < 0 ||
	    pipe_if_tty(2, t->pipe_err) < 0)
		return -1;
	return 0;
}

int
terminal_child_stdio(struct terminal *t)
{
	/* a session of its own: no controlling terminal, none to take */
	if (setsid() < 0)
		return -1;
	if (t->mode != TERM_PIPES)
		return 0;
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

static int
send_fd(int sock, int fd)
{
	char byte = 't', cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
	                    .msg_controllen = sizeof cbuf };
	struct cmsghdr *c;

	memset(cbuf, 0, sizeof cbuf);
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	return sendmsg(sock, &m, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

static int
recv_fd(int sock)
{
	char byte = 0, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
	                    .msg_controllen = sizeof cbuf };
	struct cmsghdr *c;
	ssize_t n;
	int fd = -1;

	do
		n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n != 1 || byte != 't')
		return -1;
	c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof fd);
	return fd;
}

int
terminal_child_pty(int devfd, int sock, const char **why)
{
	struct winsize ws;
	int master, slave, unlock = 0, have_ws, ret = -1;

	have_ws = ioctl(0, TIOCGWINSZ, &ws) == 0 || ioctl(1, TIOCGWINSZ, &ws) == 0;
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
	    (isatty(2) && dup2(slave, 2) < 0)) {
		close_keep_errno(slave);
		goto out;
	}
	close(slave);
	*why = "the launcher";
	ret = send_fd(sock, master);
out:
	close_keep_errno(master);
	return ret;
}

int
terminal_parent_start(struct terminal *t, int sock)
{
	if (t->mode == TERM_PIPES) {
		/* the child's ends, which it took */
		if (t->pipe_in[0] >= 0)
			close(t->pipe_in[0]);
		if (t->pipe_out[1] >= 0)
			close(t->pipe_out[1]);
		if (t->pipe_err[1] >= 0)
			close(t->pipe_err[1]);
		t->pipe_in[0] = t->pipe_out[1] = t->pipe_err[1] = -1;
		return 0;
	}
	if (t->mode == TERM_PTY && (t->master = recv_fd(sock)) < 0)
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
		log_on_exit = terminal_restore;
	}
}

void
terminal_resize(const struct terminal *t)
{
	struct winsize ws;

	if (t->master >= 0 && (ioctl(0, TIOCGWINSZ, &ws) == 0 || ioctl(1, TIOCGWINSZ, &ws) == 0))
		ioctl(t->master, TIOCSWINSZ, &ws);
}

/* Copies what is there from one descriptor to another: 1 on data, 0 on
 * end of file (or the pty's EIO), -1 on error. */
static int
copy_once(int from, int to)
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
	return write_all(to, buf, (size_t)n) < 0 ? -1 : 1;
}

enum { P_SIG, P_IN, P_OUT, P_ERR, P_N };

void
terminal_relay(struct terminal *t, int (*on_signal)(int sig, void *ctx), void *ctx)
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
		p[P_ERR].fd = -1;
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
		n = poll(p, P_N, drain_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) /* drained, but for what nobody closes */
			break;
		if (p[P_SIG].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
				if (si.ssi_signo == SIGWINCH && t->mode == TERM_PTY)
					terminal_resize(t);
				else if (on_signal((int)si.ssi_signo, ctx) == 1 && !done) {
					/* the container is gone: what it wrote is read
					 * to the end, nothing more goes in */
					done = 1;
					drain_ms = 1000;
					p[P_IN].fd = p[P_SIG].fd = -1;
				}
			}
		}
		if (p[P_IN].revents) {
			int r = copy_once(p[P_IN].fd, to_in);
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
			    copy_once(p[i].fd, i == P_OUT ? 1 : 2) <= 0)
				p[i].fd = -1;
	}
	close(sfd);
}
