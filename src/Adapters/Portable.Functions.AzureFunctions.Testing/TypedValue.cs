using System.Globalization;
using System.Text;

namespace Portable.Functions.AzureFunctions.Testing;

/// <summary>The kinds of value the worker protocol's <c>TypedData</c> carries.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The members are the protocol's TypedData case names.")]
public enum TypedValueKind
{
    /// <summary>No value.</summary>
    None,

    /// <summary>Text (<c>string</c>).</summary>
    String,

    /// <summary>JSON text (<c>json</c>).</summary>
    Json,

    /// <summary>Bytes (<c>bytes</c>).</summary>
    Bytes,

    /// <summary>Bytes of a stream (<c>stream</c>).</summary>
    Stream,

    /// <summary>An HTTP message (<c>http</c>); the value is an <see cref="RpcHttpResponse"/>.</summary>
    Http,

    /// <summary>A 64-bit integer (<c>int</c>).</summary>
    Int,

    /// <summary>A double (<c>double</c>).</summary>
    Double,

    /// <summary>A collection of byte arrays (<c>collection_bytes</c>).</summary>
    CollectionBytes,

    /// <summary>A collection of strings (<c>collection_string</c>).</summary>
    CollectionString,

    /// <summary>A collection of doubles (<c>collection_double</c>).</summary>
    CollectionDouble,

    /// <summary>A collection of 64-bit integers (<c>collection_sint64</c>).</summary>
    CollectionSInt64,

    /// <summary>A reference an extension resolves in the worker (<c>model_binding_data</c>), for SDK-type bindings.</summary>
    ModelBindingData,

    /// <summary>A collection of model binding data (<c>collection_model_binding_data</c>).</summary>
    CollectionModelBindingData,
}

/// <summary>
/// One value as the worker protocol carries it (its <c>TypedData</c>): an input binding or trigger metadata value the
/// emulator sends, or a return value or output binding the worker answers with.
/// </summary>
/// <remarks>
/// <see cref="Value"/> holds, by <see cref="Kind"/>: a <see cref="string"/> (String, Json), a <see cref="byte"/> array
/// (Bytes, Stream), a <see cref="long"/>, a <see cref="double"/>, a <see cref="string"/>, <see cref="byte"/> array,
/// <see cref="double"/> or <see cref="long"/> array (the collections), a <see cref="ModelBindingDataValue"/> or an array
/// of them, an <see cref="RpcHttpResponse"/> (Http), or <see langword="null"/> (None).
/// </remarks>
public sealed class TypedValue
{
    private TypedValue(TypedValueKind kind, object? value)
    {
        Kind = kind;
        Value = value;
    }

    /// <summary>Gets the value that is no value.</summary>
    public static TypedValue None { get; } = new(TypedValueKind.None, null);

    /// <summary>Gets the kind of value.</summary>
    public TypedValueKind Kind { get; }

    /// <summary>Gets the value; its type follows <see cref="Kind"/>.</summary>
    public object? Value { get; }

    /// <summary>Creates a text value.</summary>
    /// <param name="value">The text.</param>
    /// <returns>The value.</returns>
    public static TypedValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(TypedValueKind.String, value);
    }

    /// <summary>Creates a JSON value, as the host sends objects, numbers and dates it serialized.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The value.</returns>
    public static TypedValue FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new(TypedValueKind.Json, json);
    }

    /// <summary>Creates a bytes value.</summary>
    /// <param name="bytes">The bytes (copied).</param>
    /// <returns>The value.</returns>
    public static TypedValue FromBytes(ReadOnlySpan<byte> bytes) => new(TypedValueKind.Bytes, bytes.ToArray());

    /// <summary>Creates a 64-bit integer value.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The value.</returns>
    public static TypedValue FromInt64(long value) => new(TypedValueKind.Int, value);

    /// <summary>Creates a double value.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The value.</returns>
    public static TypedValue FromDouble(double value) => new(TypedValueKind.Double, value);

    /// <summary>Creates a collection of strings, as the host sends <c>string[]</c> to a worker that advertises <c>TypedDataCollection</c>.</summary>
    /// <param name="values">The strings.</param>
    /// <returns>The value.</returns>
    public static TypedValue FromStrings(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(TypedValueKind.CollectionString, values.ToArray());
    }

    /// <summary>Creates a collection of byte arrays.</summary>
    /// <param name="values">The byte arrays (copied).</param>
    /// <returns>The value.</returns>
    public static TypedValue FromByteArrays(IEnumerable<ReadOnlyMemory<byte>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(TypedValueKind.CollectionBytes, values.Select(v => v.ToArray()).ToArray());
    }

    /// <summary>Creates a collection of doubles.</summary>
    /// <param name="values">The numbers.</param>
    /// <returns>The value.</returns>
    public static TypedValue FromDoubles(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(TypedValueKind.CollectionDouble, values.ToArray());
    }

    /// <summary>Creates a collection of 64-bit integers.</summary>
    /// <param name="values">The numbers.</param>
    /// <returns>The value.</returns>
    public static TypedValue FromInt64s(IEnumerable<long> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(TypedValueKind.CollectionSInt64, values.ToArray());
    }

    /// <summary>Creates model binding data: the reference the host sends for SDK-type bindings (deferred binding).</summary>
    /// <param name="value">The model binding data.</param>
    /// <returns>The value.</returns>
    public static TypedValue FromModelBindingData(ModelBindingDataValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(TypedValueKind.ModelBindingData, value);
    }

    /// <summary>Creates a collection of model binding data.</summary>
    /// <param name="values">The model binding data.</param>
    /// <returns>The value.</returns>
    public static TypedValue FromModelBindingDataCollection(IEnumerable<ModelBindingDataValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(TypedValueKind.CollectionModelBindingData, values.ToArray());
    }

    internal static TypedValue Create(TypedValueKind kind, object? value) => new(kind, value);

    /// <summary>
    /// Reads the value as text: String and Json as they are, Bytes and Stream as UTF-8, numbers in the invariant
    /// culture, an HTTP message's body; <see langword="null"/> for collections, model binding data and None.
    /// </summary>
    /// <returns>The text, or <see langword="null"/>.</returns>
    public string? AsString() => Value switch
    {
        string text => text,
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        long number => number.ToString(CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        RpcHttpResponse http => http.Body?.AsString(),
        _ => null,
    };

    /// <inheritdoc/>
    public override string ToString() => Kind + ": " + (AsString() ?? Value?.ToString() ?? "null");
}

/// <summary>
/// Model binding data: how the host hands a worker a reference to data an extension resolves itself (a queue
/// message, a blob) when the function binds an SDK type (the binding's <c>supportsDeferredBinding</c> property).
/// </summary>
/// <param name="Source">The extension that reads it, such as <c>AzureStorageQueues</c> or <c>AzureStorageBlobs</c>.</param>
/// <param name="ContentType">The content's media type, such as <c>application/json</c>.</param>
/// <param name="Content">The content.</param>
/// <param name="Version">The content's version.</param>
public sealed record ModelBindingDataValue(string Source, string ContentType, ReadOnlyMemory<byte> Content, string Version = "1.0");

/// <summary>An HTTP message a worker answered with in the built-in HTTP model (an <c>RpcHttp</c>).</summary>
public sealed class RpcHttpResponse
{
    internal RpcHttpResponse(int? statusCode, IReadOnlyDictionary<string, string> headers, IReadOnlyList<string> setCookies, TypedValue? body)
    {
        StatusCode = statusCode;
        Headers = headers;
        SetCookies = setCookies;
        Body = body;
    }

    /// <summary>Gets the status code, or <see langword="null"/> when the worker set none.</summary>
    public int? StatusCode { get; }

    /// <summary>Gets the headers, names as the worker wrote them (case-insensitive lookup).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Gets the cookies the worker set, each as a <c>Set-Cookie</c> header value.</summary>
    public IReadOnlyList<string> SetCookies { get; }

    /// <summary>Gets the body, or <see langword="null"/>.</summary>
    public TypedValue? Body { get; }
}
