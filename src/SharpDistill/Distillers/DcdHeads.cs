using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.Distillers;

/// <summary>
/// DCD's trainable extras (docs/methods/dcd.md CIFAR path): the student and teacher projection
/// heads (Linear with PyTorch's default init, d → feat_dim) and the learnable logit-scale θ (init 1)
/// and bias b (init 0). All of them are optimised and weight-decayed together with the student.
/// </summary>
public sealed class DcdHeads : Module
{
    public DcdHeads(long studentDim, long teacherDim, long featDim)
    {
        EmbedStudent = RegisterModule("embed_s", new Linear(studentDim, featDim));
        EmbedTeacher = RegisterModule("embed_t", new Linear(teacherDim, featDim));
        Theta = RegisterParameter("tau", Tensors.Full(Array.Empty<long>(), DcdLoss.InitialTheta));
        Bias = RegisterParameter("b", Tensors.Full(Array.Empty<long>(), DcdLoss.InitialBias));
    }

    public Linear EmbedStudent { get; }
    public Linear EmbedTeacher { get; }

    /// <summary>θ: the logit scale is min(exp θ, max_tau).</summary>
    public Tensor Theta { get; }

    public Tensor Bias { get; }
}
