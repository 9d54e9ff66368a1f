namespace SharpDistill.Distributed;

/// <summary>
/// A data-parallel job cannot go on: another worker died, hung past the timeout, or could not be
/// reached. The message names this process's rank and the ranks it was waiting for.
/// </summary>
public sealed class DistributedFailureException : Exception
{
    public DistributedFailureException(string message, Exception? inner = null) : base(message, inner) { }
}
