namespace SharpDistill.Models;

/// <summary>The arithmetic a model's forward pass runs in.</summary>
public enum Precision
{
    /// <summary>float32 throughout.</summary>
    Fp32,

    /// <summary>
    /// bfloat16: for a trained model (the student) the forward runs under libtorch's autocast (CPU or CUDA)
    /// (convolutions and matrix products in bfloat16, weights and gradients stay float32); for the
    /// frozen teacher the weights themselves are stored in bfloat16. Outputs are float32 either way.
    /// </summary>
    Bf16,
}
