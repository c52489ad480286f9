/* mbox.h - the mailbox: one host command answered per call. */
#ifndef NLUT_FW_MBOX_H
#define NLUT_FW_MBOX_H

/* Self-test data state and vector count in OP_IDENTITY (bist.h). */
#define MBOX_IDENTITY_WORDS 13u

/* Serve the pending command: read MBOX_CMD and MBOX_ARG[], write
 * MBOX_DATA[], then MBOX_RSP (which completes it). */
void mbox_serve(void);

#endif /* NLUT_FW_MBOX_H */
