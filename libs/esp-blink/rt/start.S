/* Reset entry: the first code that runs, after the ROM's jump (direct boot) or the bootloader's.
   Sets gp, sp and the vectored trap table, zeroes .bss, copies .data from flash, then hands
   over to esp_blink_rt_start (static constructors, main). The loops are here rather than in
   C++ so that no compiler can turn them into memset/memcpy calls. */
    .section .direct_boot_header, "a"
    /* Direct boot: the ROM looks for this magic at flash offset 0 (esp32c3-facts.md). */
    .word 0xaedb041d
    .word 0xaedb041d

    .section .text.esp_blink_rt_entry, "ax"
    .globl _start
    .type _start, @function
_start:
    .option push
    .option norelax
    la gp, __global_pointer$   /* norelax: gp cannot be set relative to itself */
    .option pop
    la sp, _stack_top
    la t0, _vector_table
    ori t0, t0, 1              /* MODE = 1: vectored */
    csrw mtvec, t0

    la t0, _sbss               /* .bss = 0 (bounds word-aligned by the linker script) */
    la t1, _ebss
1:  bgeu t0, t1, 2f
    sw zero, 0(t0)
    addi t0, t0, 4
    j 1b
2:
    la t0, _sdata              /* .data = its flash image (empty range in the app layout) */
    la t1, _edata
    la t2, _sidata
3:  bgeu t0, t1, 4f
    lw t3, 0(t2)
    sw t3, 0(t0)
    addi t0, t0, 4
    addi t2, t2, 4
    j 3b
4:
    j esp_blink_rt_start
    .size _start, . - _start
