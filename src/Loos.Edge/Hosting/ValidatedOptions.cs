using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Loos.Edge.Hosting;

/// <summary>
/// Hands the components the options the site file was bound and validated into (with paths resolved), instead of
/// letting each bind its section again: one reading of the file, one set of messages with file and line.
/// </summary>
internal static class ValidatedOptions
{
    public static IServiceCollection AddValidatedOptions<T>(this IServiceCollection services, T value)
        where T : class
    {
        services.AddOptions();
        services.AddSingleton<IOptionsFactory<T>>(new FixedFactory<T>(value));
        return services;
    }

    private sealed class FixedFactory<T>(T value) : IOptionsFactory<T>
        where T : class
    {
        public T Create(string name) => value;
    }
}
