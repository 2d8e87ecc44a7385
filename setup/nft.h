/* nft(8), the tool made for nftables: the rules of --net private as root
 * (bridge.c), and what the watcher and the monitor program undo. */
#ifndef MOCKER_NFT_H
#define MOCKER_NFT_H

#include <stddef.h>

/* Runs NFT -f - with script on its stdin (NFT: a path, or "nft", looked up
 * in PATH). 0, or -1 with, in msg, what it said first (or why it could
 * not run). */
int nft_run(const char *nft, const char *script, char *msg, size_t size);

/* Where nft is (the watcher has no PATH): /usr/sbin/nft, /sbin/nft, or
 * "nft". */
const char *nft_path(void);

#endif
