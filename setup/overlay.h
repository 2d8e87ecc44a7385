/* --overlay: the image as the lower layer of an overlayfs, changes in a
 * per-run tmpfs (thrown away) or in --overlay=DIR (kept). */
#ifndef MOCKER_OVERLAY_H
#define MOCKER_OVERLAY_H

/* Mounts the overlay over the image's own path, inside the container's
 * mount namespace, with the upper layer in keep (NULL: a scratch tmpfs);
 * returns the merged tree's root, or -1 with errno and *why. */
int overlay_mount(const char *image, const char *keep, const char **why);

/* An image's layers (their directories, top first) under upper/ and work/
 * of dir (the container's, in the store), mounted on dir/merged in the
 * container's mount namespace; userxattr for a user namespace (rootless).
 * Returns the merged tree's root, or -1 with errno and *why. */
int overlay_mount_layers(const char *dir, const char *const *layers, int n, int userxattr,
                         const char **why);

#endif
