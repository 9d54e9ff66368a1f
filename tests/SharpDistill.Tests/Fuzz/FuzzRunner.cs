using System.Globalization;

namespace SharpDistill.Tests.Fuzz;

/// <summary>
/// Runs a reader over mutants of valid inputs and fails on anything but a valid result or the
/// reader's own typed error: another exception type, an input that takes longer than the time bound
/// (a hang), or one that makes the reader allocate more managed memory than the stated bound.
/// </summary>
/// <remarks>
/// The suite runs <see cref="DefaultIterations"/> mutants per format with a fixed seed. A longer
/// run outside the suite: <c>SHARPDISTILL_FUZZ_ITERATIONS=100000 SHARPDISTILL_FUZZ_SEED=7 dotnet test
/// tests/SharpDistill.Tests --filter FullyQualifiedName~Fuzz</c> (README, Safety).
/// </remarks>
internal static class FuzzRunner
{
    public const int DefaultIterations = 1000;
    public const int DefaultSeed = 20261204;
    public static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(10);

    public static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable("SHARPDISTILL_FUZZ_ITERATIONS"), out var n) && n > 0 ? n : DefaultIterations;

    public static int Seed =>
        int.TryParse(Environment.GetEnvironmentVariable("SHARPDISTILL_FUZZ_SEED"), out var s) ? s : DefaultSeed;

    /// <summary>
    /// Feeds mutants of <paramref name="seeds"/> to <paramref name="read"/>; every exception must be
    /// one of <paramref name="expected"/> (or derived from one). Returns how many inputs were refused.
    /// </summary>
    public static int Run(string format, IReadOnlyList<byte[]> seeds, Action<byte[]> read, long memoryBoundBytes, params Type[] expected)
    {
        foreach (var seed in seeds) read(seed); // the seeds themselves must be valid
        var mutator = new Mutator(Seed, seeds);
        var refused = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var input = mutator.Next();
            var where = string.Create(CultureInfo.InvariantCulture, $"{format} mutant #{i} of seed {Seed} ({input.Length} bytes)");
            long allocated = 0;
            var task = Task.Run(() =>
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    read(input);
                    return (Exception?)null;
                }
                catch (Exception e)
                {
                    return e;
                }
                finally
                {
                    allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                }
            });
            if (!task.Wait(TimeBound)) Assert.Fail($"{where}: no answer within {TimeBound.TotalSeconds} s (a hang?)");
            var error = task.Result;
            if (error != null)
            {
                if (!expected.Any(t => t.IsInstanceOfType(error)))
                    Assert.Fail($"{where}: {error.GetType().Name} instead of {string.Join(" or ", expected.Select(t => t.Name))}: {error}");
                refused++;
            }
            Assert.True(allocated <= memoryBoundBytes, $"{where}: allocated {allocated} bytes, over the {memoryBoundBytes}-byte bound");
        }
        return refused;
    }
}
