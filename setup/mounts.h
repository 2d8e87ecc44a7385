/*
 * The container's mounts, made inside its own mount namespace. Each
 * function takes the descriptors it works from, returns a descriptor (or
 * 0) on success and -1 with errno on failure; those that work on several
 * paths name the one that failed in *why, for the others the caller knows.
 */
#ifndef MOCKER_MOUNTS_H
#define MOCKER_MOUNTS_H

/* Makes the whole mount tree a slave of the host's: nothing mounted from
 * now on reaches the host, and the host's unmounts still reach us. */
int mount_tree_slave(void);

/* A recursive nodev copy of the image directory attached over its own path
 * (pivot_root needs a mount point); returns the new root. */
int mount_image(const char *image);

/* A new filesystem at path inside the root (made if missing); returns the
 * mount's root. */
int mount_fs_in_root(int rootfd, const char *path, const char *fstype,
                     const char *const *options, unsigned attr);

/* The same for a kernel filesystem (/proc): its mount point a directory
 * of the image reached through no symbolic link (ELOOP otherwise). */
int mount_kernel_fs(int rootfd, const char *path, const char *fstype,
                    const char *const *options, unsigned attr);

/* sysfs at /sys, read-only; the host's, read-only all the way down, where
 * the kernel refuses a new one (--net host in a user namespace). */
int mount_sysfs(int rootfd);

/* What runc hides of /proc and /sys, below the procfs and sysfs we
 * mounted, files under the null node of the /dev we made, read-only;
 * 0 or -1 with *why the path. */
int mount_masks(int procfd, int sysfd, int devfd, const char **why);

/* Binds host path src onto path inside the root, nodev and recursive, with
 * attributes added (MA_RDONLY); 0 or -1 with *why src or path. */
int mount_bind(int rootfd, const char *src, const char *path, unsigned attr,
               const char **why);

/* Attaches the detached tree (an idmapped volume) onto path inside the
 * root, with attributes added; 0 or -1 with *why. */
int mount_tree_in_root(int rootfd, int tree, const char *path, unsigned attr,
                       const char **why);

/* Binds the host file host read-only onto DEV/init in our /dev; returns a
 * descriptor of it. */
int mount_host_init(int devfd, const char *host);

/* Makes the whole tree at rootfd read-only. */
int mount_readonly(int rootfd);

/* pivot_root into rootfd and detach the old root; the working directory is
 * then the new "/". */
int mount_pivot(int rootfd);

#endif
