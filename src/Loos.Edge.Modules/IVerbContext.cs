namespace Loos.Edge.Modules;

/// <summary>What a module's verbs get from the command line they are part of.</summary>
public interface IVerbContext
{
    /// <summary>
    /// Reads, binds and validates the site file at <paramref name="path"/> with every module; on a problem, writes
    /// every problem with its file and line to standard error and returns null (the verb then exits with
    /// <c>ExitCodes.InvalidSiteFile</c>).
    /// </summary>
    ISiteContext? LoadSite(string path);
}
