/* The values of `mocker run` options: each parser checks its value and
 * exits 125 with one line naming the option when it is wrong. */
#ifndef MOCKER_OPTION_VALUES_H
#define MOCKER_OPTION_VALUES_H

#include <stdint.h>

#include "config.h"

/* "OPTION 'VALUE': WHY (see mocker run --help)", exit 125. */
__attribute__((noreturn)) void opt_bad(const char *opt, const char *arg, const char *why);

/* "512m", "1g", "4096" → bytes, at least min. */
uint64_t opt_size(const char *opt, const char *s, uint64_t min);

long opt_count(const char *opt, const char *s, long min, long max);

/* "1.5" CPUs → microseconds per 100 ms period. */
uint64_t opt_cpus(const char *s);

/* Each adds one to c, or exits. */
void opt_volume(struct config *c, char *spec);
void opt_tmpfs(struct config *c, char *spec);
void opt_ulimit(struct config *c, const char *spec);
void opt_add_host(struct config *c, char *spec);
void opt_dns(struct config *c, const char *ip);
void opt_dns_search(struct config *c, const char *domain);
void opt_dns_option(struct config *c, const char *option);
void opt_env(struct config *c, const char *opt, const char *kv);
void opt_env_file(struct config *c, const char *path);
void opt_group_add(struct config *c, const char *group);

/* "nofile" (any case) → RLIMIT_NOFILE; -1 if unknown. */
int rlimit_by_name(const char *name);

void opt_userns(struct config *c, const char *arg);
void opt_security(struct config *c, const char *arg);
void opt_cap(uint64_t *set, const char *opt, const char *arg);
int opt_signal(const char *opt, const char *s);
const char *opt_restart(const char *s);

#endif
