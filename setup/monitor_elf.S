/* The monitor program (setup/monitor/), built first, carried as data. */
	.section .rodata
	.balign 16
	.globl monitor_elf, monitor_elf_size
monitor_elf:
	.incbin MONITOR_ELF
monitor_elf_end:
	.balign 8
monitor_elf_size:
	.quad monitor_elf_end - monitor_elf
	.section .note.GNU-stack, "", @progbits
