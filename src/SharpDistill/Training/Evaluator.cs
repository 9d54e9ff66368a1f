using SharpDistill.Data;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Training;

/// <summary>Test-set figures: top-1 and top-5 accuracy (%) and mean cross-entropy.</summary>
public readonly record struct Evaluation(double Top1, double Top5, double Loss, long Samples);

/// <summary>Evaluates a model on a clean test set, in eval mode under inference mode.</summary>
public static class Evaluator
{
    /// <summary>Top-1, top-5 and mean cross-entropy of <paramref name="model"/> over every batch of <paramref name="loader"/>; the model's train/eval mode is restored afterwards.</summary>
    /// <param name="device">Where the model is; batches are moved there.</param>
    /// <param name="epoch">Passed to the loader (matters only for a shuffling or augmenting loader).</param>
    public static Evaluation Evaluate(ZooModel model, DataLoader loader, Device device, int epoch = 0)
    {
        var wasTraining = model.Training;
        model.Eval();
        try
        {
            using var inference = Autograd.InferenceMode();
            long samples = 0, top1 = 0, top5 = 0;
            double lossSum = 0;
            foreach (var batch in loader.Epoch(epoch))
            {
                using (batch)
                using (new TensorScope())
                {
                    var input = device.Type == DeviceType.Cpu ? batch.Images : batch.Images.To(device);
                    var labels = device.Type == DeviceType.Cpu ? batch.Labels : batch.Labels.To(device);
                    var logits = model.ForwardLogits(input);
                    lossSum += F.CrossEntropy(logits, labels, Reduction.Sum).ToDouble();
                    var correct = Accuracy.CorrectTopK(logits, labels, 1, 5);
                    top1 += correct[0];
                    top5 += correct[1];
                    samples += batch.Size;
                }
            }
            if (samples == 0) throw new InvalidOperationException("the test set is empty");
            return new Evaluation(100.0 * top1 / samples, 100.0 * top5 / samples, lossSum / samples, samples);
        }
        finally
        {
            model.Train(wasTraining);
        }
    }
}
