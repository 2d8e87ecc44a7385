#!/bin/sh
# What `make run` shows from inside the container.
echo "PID 1 is:        $(tr '\0' ' ' < /proc/1/cmdline)"
echo "hostname:        $(hostname)"
echo "mount points:    $(awk '{print $5}' /proc/self/mountinfo | grep -v '^/proc/\|^/sys/\|^/dev/.' | tr '\n' ' ')(and masks and device nodes below them)"
echo "processes:"
ps -o pid,user,args
