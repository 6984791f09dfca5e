namespace Loos.Edge.Modules.SiteFiles;

/// <summary>The site file cannot be read or is invalid; the message says where and what to fix.</summary>
public sealed class SiteFileException : Exception
{
    public SiteFileException(string message)
        : base(message)
    {
    }

    public SiteFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SiteFileException(IReadOnlyList<string> problems)
        : base(string.Join(Environment.NewLine, problems))
    {
        Problems = problems;
    }

    /// <summary>Every problem found, one line each, each starting with file:line.</summary>
    public IReadOnlyList<string> Problems { get; } = [];
}
