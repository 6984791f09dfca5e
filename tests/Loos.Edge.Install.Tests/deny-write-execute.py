"""Runs a command as systemd's MemoryDenyWriteExecute=yes confines a service: memory can never be both writable and
executable, nor become executable later (the kernel's prctl PR_SET_MDWE, Linux 6.3 and later, kept across exec).
   deny-write-execute.py PROGRAM [ARGUMENT...]"""
import ctypes
import os
import sys

PR_SET_MDWE = 65
PR_MDWE_REFUSE_EXEC_GAIN = 1

libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
    sys.exit(f"deny-write-execute.py: prctl(PR_SET_MDWE) failed ({os.strerror(ctypes.get_errno())}): this kernel cannot deny write-execute memory")
os.execvp(sys.argv[1], sys.argv[1:])
