/**
 * Knowledge distillation from the champion (Hinton et al. 2015): T² · KL(p_T^teacher ‖ p_T^student),
 * softmax at temperature T over the vocabulary, averaged over token positions. The T² factor keeps
 * the gradient scale comparable to the LM loss when T changes.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Logits are (N, V): one row per token position. */
export function distillationLoss(studentLogits: tf.Tensor2D, teacherLogits: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    // The teacher's logits are computed outside the gradient closure, so they are constants here.
    const logPt = tf.logSoftmax(tf.div(teacherLogits, temperature));
    const logPs = tf.logSoftmax(tf.div(studentLogits, temperature));
    const kl = tf.mean(tf.sum(tf.mul(tf.exp(logPt), tf.sub(logPt, logPs)), -1));
    return tf.mul(kl, temperature * temperature) as tf.Scalar;
  });
}
