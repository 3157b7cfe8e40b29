/* Reset entry: the first code that runs, after the ROM's jump (direct boot) or the bootloader's.
   Sets gp, sp and the vectored trap table, zeroes .bss, copies .data and RAM code from flash,
   then hands over to esp_blink_rt_start (static constructors, main). The loops are here rather than in
   C++ so that no compiler can turn them into memset/memcpy calls. */
    .section .direct_boot_header, "a"
    /* Direct boot: the ROM looks for this magic at flash offset 0 (docs/esp32c3.md, "Booting"). */
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

    la t0, _sbss               /* .bss = 0 (bounds word-aligned by the linker script) */
    la t1, _ebss
1:  bgeu t0, t1, 2f
    sw zero, 0(t0)
    addi t0, t0, 4
    j 1b
2:
    la t0, _sdata              /* .data = its flash image */
    la t1, _edata
    la t2, _sidata
    jal t4, copy_words
    la t0, _siram_dram         /* RAM code, written through the DRAM alias of its IRAM */
    la t1, _eiram_dram
    la t2, _siram_load
    jal t4, copy_words
    la t0, _vector_table       /* in RAM (rt/vectors.S): only now copied there */
    ori t0, t0, 1              /* MODE = 1: vectored */
    csrw mtvec, t0
    j esp_blink_rt_start
    .size _start, . - _start

/* Copies words from t2 to [t0, t1); returns through t4. Nothing to do when source and
   destination agree (the app layout, where the bootloader has loaded RAM already). */
copy_words:
    beq t0, t2, 2f
1:  bgeu t0, t1, 2f
    lw t3, 0(t2)
    sw t3, 0(t0)
    addi t0, t0, 4
    addi t2, t2, 4
    j 1b
2:  jr t4
