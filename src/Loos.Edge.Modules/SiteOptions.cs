using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace Loos.Edge.Modules;

/// <summary>
/// A module's options as every options interface hands them to its services: the one instance the site-file loader
/// bound, prepared and validated. The standard factory is not asked, so its validators (registered for hosts that
/// bind their own configuration) do not check the same section a second time.
/// </summary>
// The options interfaces ask the options factory's requirement of their type (a public parameterless constructor).
internal sealed class SiteOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(TOptions value) : IOptions<TOptions>, IOptionsMonitor<TOptions>, IOptionsSnapshot<TOptions>
    where TOptions : class
{
    public TOptions Value => value;

    public TOptions CurrentValue => value;

    public TOptions Get(string? name) => value;

    // The site file is read at start; a change takes a restart.
    public IDisposable? OnChange(Action<TOptions, string?> listener) => null;
}
