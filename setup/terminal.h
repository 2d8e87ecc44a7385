/*
 * The container never gets the caller's terminal: it runs in a session of
 * its own, and a standard descriptor that is a terminal is relayed by the
 * launcher instead of handed in. When stdin and stdout are terminals (or
 * with -t), the container gets a new pseudo-terminal of its own devpts as
 * its controlling terminal, and the launcher relays between it and the
 * caller's terminal, which it puts in raw mode for the while. Otherwise
 * each standard descriptor that is a terminal becomes a pipe, relayed.
 */
#ifndef MOCKER_TERMINAL_H
#define MOCKER_TERMINAL_H

enum term_mode { TERM_NONE, TERM_PIPES, TERM_PTY };

struct terminal {
	int mode;        /* enum term_mode */
	int pipe_in[2];  /* TERM_PIPES: for each std descriptor that is a */
	int pipe_out[2]; /* terminal, a pipe: [0] read end, [1] write end; */
	int pipe_err[2]; /* -1 when that one passes through */
	int master;      /* TERM_PTY: the container's pty, in the launcher */
	int null_fds;    /* bits 0-2: std descriptors that were the host's
	                  * /dev/null, given the container's own instead */
	/* where the container's output goes, when not to our stdout and
	 * stderr (a detached container's log): stream 1 or 2 */
	void (*sink)(void *ctx, int stream, const char *buf, size_t n);
	void *sink_ctx;
	/* OCI --console-socket: the pty is stdin, stdout and stderr whatever
	 * they were, of this size (0: as it is), and its master goes there */
	const char *console_socket;
	unsigned short rows, cols;
};

/* Chooses the mode (tty: -t given) and makes the pipes, on the host.
 * 0, or -1 with errno. */
int terminal_prepare(struct terminal *t, int tty);

/* The caller's stdio as they are, whatever they are (OCI, without a
 * terminal: runc's "pass-through"). */
void terminal_pass(struct terminal *t);

/* A pty for the container whose master goes to the OCI caller's console
 * socket (terminal_console_send), rows x cols. */
void terminal_for_console(struct terminal *t, const char *socket, unsigned short rows,
                          unsigned short cols);

/* Sends master to the console socket at path (runc's protocol: one
 * SCM_RIGHTS message). 0, or -1 with errno. */
int terminal_console_send(const char *path, int master);

/* For a detached container: stdin its own /dev/null, stdout and stderr
 * pipes whose output goes to sink. */
int terminal_prepare_detached(struct terminal *t,
                              void (*sink)(void *ctx, int stream, const char *buf, size_t n),
                              void *ctx);

/* In the container's first process, before anything else: the pipes in
 * place of the caller's terminal, and a session of its own. */
int terminal_child_stdio(struct terminal *t);

/* In the container's first process, once its /dev is made: its own null
 * device in place of the host's; in pty mode, a new pty from its devpts
 * (devfd), made its controlling terminal and its stdin, stdout and stderr,
 * with the caller's window size, the master sent to the launcher over
 * sock. 0, or -1 with errno and *why. */
int terminal_child_pty(const struct terminal *t, int devfd, int sock, const char **why);

/* In the launcher, after the child was cloned: closes the child's ends;
 * in pty mode takes the master from sock (-1 when the child died first). */
int terminal_parent_start(struct terminal *t, int sock);

/* The caller's terminal in raw mode, until terminal_restore (which every
 * exit of mocker calls, die() included). */
void terminal_raw(struct terminal *t);
void terminal_restore(void);

/* Sends the caller's window size on to the container (SIGWINCH). */
void terminal_resize(const struct terminal *t);

/*
 * Relays until the container has ended and its output is drained: calls
 * on_signal for every signal mocker receives (mocker blocks them all; the
 * value sigqueue(3) sent with it, or 0), and
 * with 0 when timeout_ms(ctx) milliseconds passed (-1: none) first; stops
 * when it returns 1 (the container was reaped).
 */
void terminal_relay(struct terminal *t, int (*on_signal)(int sig, int value, void *ctx),
                    int (*timeout_ms)(void *ctx), void *ctx);

#endif
