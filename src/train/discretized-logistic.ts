/**
 * Log-likelihood of integers under discretised logistics and their mixtures, in pixel units (IDF section 3.3):
 *   P(x) = sigmoid((x + 1/2 - mu) / s) - sigmoid((x - 1/2 - mu) / s).
 * Written in the stable form log P = log sigmoid(a) + log sigmoid(-b) + log(1 - exp(-1/s)), with a and b the two
 * arguments above (a - b = 1/s), so there is no cancellation in the tails and no special case at the support's ends:
 * every integer has positive mass (values far out are the coder's escapes).
 */
import * as tf from '@tensorflow/tfjs-core';

/** Clamp range of log-scales: s in [0.1, 1100] pixel levels (the coder's scale grid covers it). */
export const LOG_SCALE_MIN = Math.log(0.1);
export const LOG_SCALE_MAX = 7;

/** log sigmoid(z) = -softplus(-z) (tf.logSigmoid fails inside optimizer.minimize on wasm: RESEARCH.md s.6). */
function logSigmoid(z: tf.Tensor): tf.Tensor {
  return tf.neg(tf.softplus(tf.neg(z)));
}

/**
 * Elementwise log P(x) of a discretised logistic (natural log).
 * @param x integers (as floats), any shape
 * @param mu means, broadcastable to x
 * @param logScale log s, broadcastable to x; clamped to [LOG_SCALE_MIN, LOG_SCALE_MAX]
 */
export function discretizedLogisticLogProb(x: tf.Tensor, mu: tf.Tensor, logScale: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const clamped = tf.clipByValue(logScale, LOG_SCALE_MIN, LOG_SCALE_MAX);
    const inverseScale = tf.exp(tf.neg(clamped));
    const centred = tf.sub(x, mu);
    const a = tf.mul(tf.add(centred, 0.5), inverseScale);
    const b = tf.mul(tf.sub(centred, 0.5), inverseScale);
    const width = tf.log(tf.sub(1, tf.exp(tf.neg(inverseScale))));
    return tf.add(tf.add(logSigmoid(a), logSigmoid(tf.neg(b))), width);
  });
}

/**
 * log P(x) under a mixture of K discretised logistics.
 * @param x shape [..., 1, C]
 * @param mu, logScale, logits shape [..., K, C] (logits are unnormalised log mixture weights)
 * @returns shape [..., C]
 */
export function logisticMixtureLogProb(x: tf.Tensor, mu: tf.Tensor, logScale: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    // The component axis is second to last in every operand (the parameters may have fewer leading axes).
    const logWeights = tf.sub(logits, tf.logSumExp(logits, logits.rank - 2, true));
    const joint = tf.add(logWeights, discretizedLogisticLogProb(x, mu, logScale));
    return tf.logSumExp(joint, joint.rank - 2);
  });
}
