using System.Globalization;
using SharpDistill.Config;

namespace SharpDistill.Distributed;

/// <summary>
/// The workers `sharpdistill launch` starts on this machine (torchrun's contract, docs/distributed.md):
/// node K of M starts ranks K·N … K·N + N − 1 of a job of M·N ranks, each with RANK, WORLD_SIZE,
/// LOCAL_RANK, MASTER_ADDR, MASTER_PORT, and an equal share of this machine's threads.
/// </summary>
public sealed record LaunchPlan(int ProcessesPerNode, int Nodes, int NodeRank, string MasterAddress, int MasterPort, int ThreadsPerWorker)
{
    public int WorldSize => ProcessesPerNode * Nodes;

    /// <summary>Checks the options; <paramref name="machineThreads"/> is split evenly (at least 1 per worker).</summary>
    public static LaunchPlan Create(int processesPerNode, int nodes, int nodeRank, string masterAddress, int masterPort, int machineThreads)
    {
        if (processesPerNode < 1 || processesPerNode > 1024)
            throw new ConfigException($"--nproc-per-node is {processesPerNode}: expected a whole number from 1 to 1024");
        if (nodes < 1 || nodes > 65536) throw new ConfigException($"--nnodes is {nodes}: expected a whole number from 1 to 65536");
        if (nodeRank < 0 || nodeRank >= nodes) throw new ConfigException($"--node-rank is {nodeRank}: expected 0 to {nodes - 1} (--nnodes {nodes})");
        if (string.IsNullOrWhiteSpace(masterAddress)) throw new ConfigException("--master-addr is empty");
        if (masterPort < 1 || masterPort > 65535) throw new ConfigException($"--master-port is {masterPort}: expected 1 to 65535");
        return new LaunchPlan(processesPerNode, nodes, nodeRank, masterAddress.Trim(), masterPort, Math.Max(1, machineThreads / processesPerNode));
    }

    /// <summary>The environment of local worker <paramref name="localRank"/>.</summary>
    public IReadOnlyDictionary<string, string> Environment(int localRank)
    {
        string S(int v) => v.ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string>
        {
            [DistributedContext.RankVariable] = S(NodeRank * ProcessesPerNode + localRank),
            [DistributedContext.WorldSizeVariable] = S(WorldSize),
            [DistributedContext.LocalRankVariable] = S(localRank),
            [DistributedContext.MasterAddressVariable] = MasterAddress,
            [DistributedContext.MasterPortVariable] = S(MasterPort),
            ["SHARPDISTILL_THREADS"] = S(ThreadsPerWorker),
        };
    }
}
