/*
 * mocker's own state on the host: /run/mocker for root; rootless,
 * $XDG_RUNTIME_DIR/mocker when that directory is the caller's with mode
 * 0700, else /run/user/UID/mocker likewise, else /tmp/mocker-UID, made
 * 0700 and checked to be the caller's (not a link another user planted).
 */
#ifndef MOCKER_STATE_H
#define MOCKER_STATE_H

/* The directory (made when missing), or NULL with errno. */
const char *state_dir(void);

/* Has the one-time notice name been given? Marks it given; 1 if it had
 * been (or when there is no state to keep it in: say it once a run). */
int state_once(const char *name);

#endif
