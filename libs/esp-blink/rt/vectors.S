/* The default vector table, for firmware that binds no interrupt: every entry, exceptions and
   interrupts alike, leads to the fault report. A firmware using ESP_BLINK_INTERRUPTS links
   rt/interrupt_entry.S instead, whose strong _vector_table replaces this weak one (and the
   linker's garbage collection drops this one). mtvec points at the table with MODE = 1:
   exceptions enter at entry 0, interrupt n at entry n. The chip wants the table 256-byte
   aligned; the entries are 4-byte `j`s, so the table is assembled without compressed
   instructions. Tables and trap entries live in RAM (the linker scripts' .iram_text, whose
   start is 256-byte aligned), so they jump to flash code with `tail`: a `j` reaches 1 MiB. */
    /* The linker script aligns .trap.* to 256; an assembler .balign would leave relaxation
       padding behind. */
    .section .trap.default, "ax"
    .weak _vector_table
_vector_table:
    .option push
    .option norvc
    .rept 32
    j esp_blink_trap_entry
    .endr
    .option pop

    .section .iram.text.esp_blink_trap_entry, "ax"
    .globl esp_blink_trap_entry
esp_blink_trap_entry:
    csrr a0, mcause
    csrr a1, mepc
    csrr a2, mtval
    tail esp_blink_trap_report
