/**
 * The quickstart's learner: a seeded synthetic churn table ({@link org.mlops4j.samples.learn.ChurnData}, with a
 * drifted variant) and a Tribuo logistic regression ({@link org.mlops4j.samples.learn.TribuoLearner}) exported to
 * ONNX for {@link org.mlops4j.onnx.OnnxModelLoader}.
 */
package org.mlops4j.samples.learn;
