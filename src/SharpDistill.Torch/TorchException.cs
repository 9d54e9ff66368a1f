namespace SharpDistill.Torch;

/// <summary>An error raised by libtorch (or the native shim), carrying libtorch's own message.</summary>
public class TorchException : Exception
{
    public TorchException(string message) : base(message) { }
    public TorchException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A bad argument: a shape mismatch, an invalid option (c10::ValueError and most c10::Error).</summary>
public class TorchArgumentException : TorchException
{
    public TorchArgumentException(string message) : base(message) { }
}

/// <summary>An index or dimension out of range (c10::IndexError).</summary>
public class TorchIndexException : TorchException
{
    public TorchIndexException(string message) : base(message) { }
}

/// <summary>A wrong dtype (c10::TypeError).</summary>
public class TorchTypeException : TorchException
{
    public TorchTypeException(string message) : base(message) { }
}

/// <summary>An operation libtorch does not implement for these inputs (c10::NotImplementedError).</summary>
public class TorchNotImplementedException : TorchException
{
    public TorchNotImplementedException(string message) : base(message) { }
}

/// <summary>libtorch could not allocate memory.</summary>
public class TorchOutOfMemoryException : TorchException
{
    public TorchOutOfMemoryException(string message) : base(message) { }
}

/// <summary>The native shim or libtorch could not be loaded, or their versions do not fit this build.</summary>
public class LibTorchNotFoundException : TorchException
{
    public LibTorchNotFoundException(string message, Exception? inner = null) : base(message, inner!) { }
}

/// <summary>
/// A collective or the rendezvous of a process group failed: a peer process died, hung past the
/// group's timeout, or cannot be reached.
/// </summary>
public class TorchDistributedException : TorchException
{
    public TorchDistributedException(string message) : base(message) { }
}
