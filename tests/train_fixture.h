/* train_fixture.h - what the trainer tests share: the digits loaded once per
 * group, a train-and-compile step, and the check that the golden model of
 * the saved-then-reloaded file equals the training-time pass. */
#ifndef NLUT_TESTS_TRAIN_FIXTURE_H
#define NLUT_TESTS_TRAIN_FIXTURE_H

#include <nlut/nlut.h>
#include <nlut/train.h>

#define DIGITS NLUT_SHARED_DATA_DIR "/digits.csv.gz"

/* Split as c says; both NULL when the data is not there (the tests skip). */
extern struct nlut_dataset *digits_train, *digits_test;

/* Group setup: load the digits with c's split; -1 on a load error. */
int digits_load(const struct nlut_train_config *c);
/* Group teardown. */
int digits_free(void **state);
/* skip() when the digits are not there. */
void need_digits(void);
/* Train c on digits_train and compile; fails the test on any error. */
nlut_trainer *train_digits(const struct nlut_train_config *c, nlut_model **m);
/*
 * Save m as name, load it back and run the golden model on every
 * digits_test sample: every class and every class score must equal the
 * trainer's prediction (ties to the lowest index, as nlut_argmax decides).
 * Returns the test accuracy.
 */
double check_equal_trained(nlut_trainer *t, const nlut_model *m, const char *name);

#endif /* NLUT_TESTS_TRAIN_FIXTURE_H */
