using Xunit;

namespace Loos.Edge.Testing;

/// <summary>Where the repository and the shared third-party corpora are, seen from a test or benchmark binary.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding <c>Loos.Edge.sln</c>, found by walking up from the running binary.</summary>
    /// <exception cref="InvalidOperationException">The binary does not run from inside the repository.</exception>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// The shared corpus folder: <c>LOOS_EDGE_CORPUS</c> when set, else <c>../shared/corpus</c> beside the repository;
    /// null when it does not exist.
    /// </summary>
    public static string? Corpus
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("LOOS_EDGE_CORPUS");
            var path = string.IsNullOrWhiteSpace(configured) ? Path.GetFullPath(Path.Combine(Root, "..", "shared", "corpus")) : configured;
            return Directory.Exists(path) ? path : null;
        }
    }

    /// <summary>A folder inside the corpus (e.g. <c>sunspec/devices</c>), or null when it is missing.</summary>
    public static string? CorpusFolder(string relativePath) =>
        Corpus is { } corpus && Directory.Exists(Path.Combine(corpus, relativePath)) ? Path.Combine(corpus, relativePath) : null;

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Loos.Edge.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Loos.Edge.sln above {AppContext.BaseDirectory}: run from inside the repository.");
    }
}

/// <summary>A fact that needs a corpus folder (e.g. <c>sunspec/devices</c>) and is skipped, saying so, where it is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute(string relativePath)
    {
        RelativePath = relativePath;
        if (RepositoryPaths.CorpusFolder(relativePath) is null)
        {
            Skip = MissingMessage(relativePath);
        }
    }

    public string RelativePath { get; }

    internal static string MissingMessage(string relativePath) =>
        $"Corpus folder '{relativePath}' not found (set LOOS_EDGE_CORPUS or provide ../shared/corpus beside the repository).";
}

/// <summary>
/// Theory rows from a public static member that need a corpus folder: where it is missing, every row is skipped,
/// saying so, instead of passing without comparing anything.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class CorpusMemberDataAttribute : MemberDataAttributeBase
{
    public CorpusMemberDataAttribute(string relativePath, string memberName)
        : base(memberName, [])
    {
        RelativePath = relativePath;
        if (RepositoryPaths.CorpusFolder(relativePath) is null)
        {
            Skip = CorpusFactAttribute.MissingMessage(relativePath);
        }
    }

    public string RelativePath { get; }

    protected override object[] ConvertDataItem(System.Reflection.MethodInfo testMethod, object item) =>
        item as object[] ?? throw new ArgumentException($"{MemberName} on {MemberType?.Name ?? testMethod.DeclaringType?.Name} yielded a row that is not object[].", nameof(item));
}
