using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.Models.Blocks;

/// <summary>
/// A block or stage that can also hand out its output before the final activation (the
/// <c>is_last</c> blocks of the reference models return <c>(out, preact)</c>).
/// </summary>
public abstract class PreactModule : Module<Tensor, Tensor>
{
    /// <summary>
    /// Runs the block. When <paramref name="wantPreact"/> is true, <paramref name="preact"/> receives a
    /// new tensor (owned by the caller) holding the output before the final activation; otherwise null.
    /// </summary>
    public abstract Tensor Forward(Tensor input, bool wantPreact, out Tensor? preact);

    public override Tensor Forward(Tensor input) => Forward(input, false, out _);
}

/// <summary>
/// A sequence of blocks registered as "0", "1", ... (the keys of PyTorch's nn.Sequential) whose
/// last block reports its pre-activation output: the stages (layer1, layer2, ...) of the zoo.
/// </summary>
public sealed class BlockSequence : PreactModule
{
    private readonly List<Module<Tensor, Tensor>> blocks = new();

    public BlockSequence(IEnumerable<Module<Tensor, Tensor>> blocks)
    {
        foreach (var block in blocks) this.blocks.Add(RegisterModule(this.blocks.Count.ToString(), block));
        if (this.blocks.Count == 0) throw new ArgumentException("a stage needs at least one block");
        if (this.blocks[^1] is not PreactModule)
            throw new ArgumentException($"the last block of a stage must report its pre-activation output, got {this.blocks[^1].GetType().Name}");
    }

    public int Count => blocks.Count;

    public Module<Tensor, Tensor> this[int index] => blocks[index];

    public override Tensor Forward(Tensor input, bool wantPreact, out Tensor? preact)
    {
        var current = input;
        try
        {
            for (var i = 0; i < blocks.Count - 1; i++)
            {
                var next = blocks[i].Forward(current);
                if (!ReferenceEquals(current, input)) current.Dispose();
                current = next;
            }
            return ((PreactModule)blocks[^1]).Forward(current, wantPreact, out preact);
        }
        finally
        {
            // The stage input belongs to the caller; every intermediate is ours to free.
            if (!ReferenceEquals(current, input)) current.Dispose();
        }
    }
}
