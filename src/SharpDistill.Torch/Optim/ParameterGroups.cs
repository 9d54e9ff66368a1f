using SharpDistill.Torch.NN;

namespace SharpDistill.Torch.Optim;

/// <summary>Helpers that split a model's parameters into groups with different hyperparameters.</summary>
public static class ParameterGroups
{
    /// <summary>
    /// Splits the trainable parameters (those that require grad) into those that conventionally take
    /// weight decay (multi-dimensional weights of convolutions and linear layers) and those that do
    /// not (one-dimensional tensors: biases and normalisation γ/β).
    /// </summary>
    public static (IReadOnlyList<Tensor> Decay, IReadOnlyList<Tensor> NoDecay) SplitForWeightDecay(Module module)
    {
        var decay = new List<Tensor>();
        var noDecay = new List<Tensor>();
        foreach (var p in module.Parameters().Where(p => p.RequiresGrad))
            (p.Dim <= 1 ? noDecay : decay).Add(p);
        return (decay, noDecay);
    }

    /// <summary>
    /// Two groups: multi-dimensional weights with <paramref name="options"/>, biases and
    /// normalisation parameters with the same options but no weight decay.
    /// </summary>
    public static IReadOnlyList<ParamGroup<TOptions>> NoDecayOnBiasAndNorm<TOptions>(Module module, TOptions options)
        where TOptions : OptimizerOptions
    {
        var (decay, noDecay) = SplitForWeightDecay(module);
        // `with` on the base record clones the derived options and keeps their type.
        var withoutDecay = (TOptions)((OptimizerOptions)options with { WeightDecay = 0 });
        return new[] { new ParamGroup<TOptions>(decay, options), new ParamGroup<TOptions>(noDecay, withoutDecay) };
    }
}
