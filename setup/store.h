/*
 * The image store: /var/lib/mocker for root, $XDG_DATA_HOME/mocker
 * (~/.local/share/mocker) rootless, or --storage DIR / MOCKER_STORAGE.
 *
 *   blobs/sha256/HEX     each blob once, by digest (skopeo's shared blob
 *                        directory); checked against its name when used
 *   layers/HEX/diff      each layer unpacked once (HEX: its blob's digest)
 *   layers/HEX/size      the unpacked files' bytes
 *   images/ID            an image (ID: its config's digest): "manifest
 *                        sha256:HEX" and "created SECONDS"
 *   names/NAME           "ID": NAME with '/' as '+' (never in a name)
 *   containers/CID/      a container's upper and work directories, and
 *                        "image" (its ID) and "state" (its state's path:
 *                        gone, the directory is left over and removed)
 *   tmp/                 pulls and unpacks under way, by pid
 *   lock                 flock: shared by pulls and by a run until its
 *                        container's state is saved; exclusive by rmi and
 *                        prune, which throw away what no image or
 *                        container uses (and tmp/)
 */
#ifndef MOCKER_STORE_H
#define MOCKER_STORE_H

void store_set(const char *dir);
/* The store's path, made (0700, parents too); NULL with errno. */
const char *store_dir(void);
/* Its path as given or defaulted, for messages. */
const char *store_name(void);

/* Takes the store's lock (LOCK_SH or LOCK_EX); the descriptor (kept until
 * exit or store_unlock), or -1 with errno. */
int store_lock(int how);
void store_unlock(int fd);

/* "NAME" <-> the file name in names/ */
void store_name_encode(const char *name, char *out, unsigned size);
void store_name_decode(const char *file, char *out, unsigned size);

/* containers/CID for a container whose state is at state_path, made with
 * upper/ work/ merged/ and image (image_id); its path in out. */
int store_container_make(const char *cid, const char *image_id, const char *state_path,
                         char *out, unsigned size);
/* Removes path, a container's directory (STORE/containers/CID) as its
 * state records it: the store it is in may not be this command's. */
int store_remove_path(const char *path, const char *cid);
/* Removes path (a rootless container's directory) from a user namespace
 * mapped as rootless containers are: files of subordinate ids the caller
 * cannot remove from outside (store_userns.c). 0, or -1 with errno. */
int store_remove_mapped(const char *path);
/* Removes containers/CID. */
int store_container_remove(const char *cid);
/* Removes what containers that no longer exist left; calls used(id, ctx)
 * for the image of each that does. */
void store_containers_sweep(void (*used)(const char *image_id, void *ctx), void *ctx);

/* Removes from tmp/ what pulls, unpacks and removals of processes now gone
 * left (named ...-PID). */
void store_clear_stale(void);

#endif
