/** CLIP's symmetric cross-entropy and SigLIP's pairwise sigmoid loss, computed in row blocks so that memory is not N x N. */
package io.clip4j.train.loss;
