using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch;

/// <summary>How the soft-rank projection is regularised (Blondel et al. 2020, §3).</summary>
public enum SoftRankRegularization
{
    /// <summary>Quadratic regularisation: the default of fast-soft-sort and torchsort.</summary>
    L2 = 0,

    /// <summary>Entropic (KL) regularisation: ranks are exp of the projection onto log-ranks; always positive.</summary>
    Kl = 1,
}

/// <summary>
/// Differentiable ranks: the soft-rank operator of Blondel, Teboul, Berthet and Djolonga, "Fast
/// Differentiable Sorting and Ranking" (ICML 2020, arXiv:2002.08871), computed by the native shim
/// (Pool-Adjacent-Violators isotonic regression, O(n log n) per row) with its exact backward.
/// </summary>
/// <remarks>
/// Ranks are ascending and start at 1, as in fast-soft-sort and torchsort: the smallest value of a
/// row gets a rank near 1 and the largest one near n. The regularisation strength ε sets how soft
/// they are: when ε is small compared with the gaps between values the ranks are exact and their
/// gradient is zero; when ε is large every row collapses to one PAV block, the ranks become an
/// affine function of the values (L2) and tend to (n + 1) / 2. Only first-order gradients exist.
/// </remarks>
public static class SoftRank
{
    /// <summary>Soft ranks of every row of <paramref name="values"/> ([rows, n], or one row [n]).</summary>
    public static Tensor Compute(Tensor values, double strength = 1.0, SoftRankRegularization regularization = SoftRankRegularization.L2)
    {
        var (ranks, blocks) = ComputeWithBlocks(values, strength, regularization);
        blocks.Dispose();
        return ranks;
    }

    /// <summary>
    /// Soft ranks plus the number of PAV blocks of each row (int64 [rows], no gradient): n blocks
    /// means hard ranks with zero gradient, 1 block means ranks that are affine in the values.
    /// </summary>
    public static (Tensor Ranks, Tensor BlocksPerRow) ComputeWithBlocks(Tensor values, double strength = 1.0,
        SoftRankRegularization regularization = SoftRankRegularization.L2)
    {
        if (!(strength > 0) || double.IsInfinity(strength))
            throw new TorchArgumentException($"soft-rank regularization strength must be a finite number > 0, got {strength}");
        var dim = values.Dim;
        if (dim == 1)
        {
            using var row = values.Unsqueeze(0);
            var (ranks, blocks) = Call(row, strength, regularization);
            using (ranks)
            using (blocks)
                return (ranks.Squeeze(0), blocks.Squeeze(0));
        }
        if (dim != 2)
            throw new TorchArgumentException($"soft rank expects a tensor [rows, n] or [n], got shape [{string.Join(", ", values.Shape)}]");
        return Call(values, strength, regularization);
    }

    private static (Tensor, Tensor) Call(Tensor values, double strength, SoftRankRegularization regularization)
    {
        Status.Check(Native.sd_soft_rank(values.Handle, (int)regularization, strength, out var ranks, out var blocks));
        return (new Tensor(ranks), new Tensor(blocks));
    }
}
