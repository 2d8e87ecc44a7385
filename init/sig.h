/* Signal names, and the raw signal mask calls the init is built on. */
#ifndef MOCKER_INIT_SIG_H
#define MOCKER_INIT_SIG_H

#include <signal.h>

#include "signame.h"


/* A kernel signal set: 64 bits on every Linux architecture we build for.
 * libc's sigset_t hides the signals it reserves for itself (32-34), which
 * the init must still block and forward, so the init talks to the kernel
 * with its own set. */
typedef unsigned long long ksigset;

#define KSIG_BIT(n) (1ULL << ((n) - 1))


/* Block every signal; store the caller's mask in old. */
int sig_block_all(ksigset *old);

/* Set the mask (used in a child before exec to give back the caller's). */
int sig_setmask(const ksigset *set);

/* Gives SIGCHLD its default action (an inherited SIG_IGN would make the
 * kernel reap our children for us, and send no SIGCHLD); returns 1 if it
 * was ignored. */
int sig_chld_default(void);

/* Ignores every signal in set (for the payload, before exec). */
void sig_ignore_set(ksigset set);

/* Wait for a signal in the blocked set; timeout_ms < 0 waits forever.
 * Returns the signal, 0 on timeout, -1 on error. Never returns EINTR. */
int sig_wait(long long timeout_ms);

/* Takes back the SIGPIPE a write of ours to a gone reader raised: it is
 * not one to forward to the payload. */
void sig_drop_pipe(void);

/* CLOCK_MONOTONIC in milliseconds. */
long long mono_ms(void);

#endif
