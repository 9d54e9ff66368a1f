namespace SharpDistill.Torch;

/// <summary>How a loss reduces over elements; the values are at::Reduction codes.</summary>
public enum Reduction
{
    None = 0,
    Mean = 1,
    Sum = 2,
}

/// <summary>
/// KL divergence reductions. <see cref="BatchMean"/> (sum divided by the batch size) is the
/// mathematically correct KL per sample; <see cref="Mean"/> divides by the number of elements.
/// </summary>
public enum KlReduction
{
    None,
    Mean,
    Sum,
    BatchMean,
}
