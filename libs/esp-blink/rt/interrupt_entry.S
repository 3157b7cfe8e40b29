/* The vector table of a firmware that binds interrupts (ESP_BLINK_INTERRUPTS pulls this file
   in from the esp_blink_rt_interrupts archive): entry 0, exceptions, leads to the fault report;
   entries 1..31 to the common interrupt entry below, which dispatches through the firmware's
   binding table (esp_blink/interrupt.hpp, rt/interrupt.cpp). The entry shares the table's
   section, so both run from RAM (rt/vectors.S) and the `j`s reach it. */
    .section .trap.interrupts, "ax"
    .globl _vector_table
_vector_table:
    .option push
    .option norvc
    j esp_blink_trap_entry
    .rept 31
    j esp_blink_interrupt_entry
    .endr
    .option pop

    .globl esp_blink_interrupt_entry
esp_blink_interrupt_entry:
    addi sp, sp, -80
    sw ra, 0(sp)
    sw t0, 4(sp)
    sw t1, 8(sp)
    sw t2, 12(sp)
    sw t3, 16(sp)
    sw t4, 20(sp)
    sw t5, 24(sp)
    sw t6, 28(sp)
    sw a0, 32(sp)
    sw a1, 36(sp)
    sw a2, 40(sp)
    sw a3, 44(sp)
    sw a4, 48(sp)
    sw a5, 52(sp)
    sw a6, 56(sp)
    sw a7, 60(sp)
    csrr t0, mepc
    sw t0, 64(sp)
    csrr t0, mstatus
    sw t0, 68(sp)
    csrr a0, mcause
    call esp_blink_interrupt_dispatch
    lw t0, 68(sp)
    csrw mstatus, t0          /* MIE clear again (dispatch returns with it clear), MPIE kept */
    lw t0, 64(sp)
    csrw mepc, t0
    lw ra, 0(sp)
    lw t0, 4(sp)
    lw t1, 8(sp)
    lw t2, 12(sp)
    lw t3, 16(sp)
    lw t4, 20(sp)
    lw t5, 24(sp)
    lw t6, 28(sp)
    lw a0, 32(sp)
    lw a1, 36(sp)
    lw a2, 40(sp)
    lw a3, 44(sp)
    lw a4, 48(sp)
    lw a5, 52(sp)
    lw a6, 56(sp)
    lw a7, 60(sp)
    addi sp, sp, 80
    mret
