/* The cgroup watcher's work (watch.c). */
#ifndef MOCKER_WATCH_H
#define MOCKER_WATCH_H

/* Listens on fd until the launcher's end closes; when that was not after
 * its word that all is done, kills and removes the cgroup's directories
 * it was told of, unlinks forget_file, and forget_link if it names
 * forget_id (each may be NULL), and undoes what else it was told of (nft:
 * the path of nft). */
void watch_cgroup(int fd, const char *forget_file, const char *forget_link,
                  const char *forget_id, const char *nft);

#endif
