/* What the supervisor waits for: signals (through a signalfd), and the
 * descriptors of the control channel, readiness and prefixed logs. */
#ifndef MOCKER_INIT_EVENTS_H
#define MOCKER_INIT_EVENTS_H

#include "supervise.h"

/* Waits up to timeout_ms (< 0: forever) and handles what is ready.
 * Returns the signal that arrived, or 0. */
int events_wait(struct supervisor *s, long long timeout_ms);

#endif
