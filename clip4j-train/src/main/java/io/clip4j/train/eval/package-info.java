/** Fashion-MNIST zero-shot and linear-probe evaluation of saved models and of a model in training, through the core's tasks. */
package io.clip4j.train.eval;
