package org.mlops4j.test.architecture;

import static org.assertj.core.api.Assertions.fail;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The public API of a module as text, one type after the other, each followed by its public (and, where it can be
 * extended, protected) members in their generic signatures, everything sorted, in the manner of OkHttp's committed
 * {@code .api} files. Types in {@code internal} packages are left out: they are not API.
 */
final class ApiDump {
    static final String UPDATE_PROPERTY = "mlops4j.api.update";

    private ApiDump() {}

    /** A type users can name: public, not anonymous or local, enclosed only by public types, not internal. */
    static boolean isApi(JavaClass type) {
        if (type.isAnonymousClass()
                || type.isLocalClass()
                || type.getPackageName().contains(".internal")) {
            return false;
        }
        for (JavaClass t = type; t != null; t = t.getEnclosingClass().orElse(null)) {
            if (!t.getModifiers().contains(JavaModifier.PUBLIC)) {
                return false;
            }
        }
        return true;
    }

    /** Every type that appears in the type's visible signatures: supertypes, fields, parameters, returns. */
    static Set<JavaClass> signatureTypes(JavaClass type) {
        Set<JavaClass> types = new LinkedHashSet<>();
        type.getRawSuperclass().ifPresent(types::add);
        types.addAll(type.getRawInterfaces());
        boolean extensible = !type.getModifiers().contains(JavaModifier.FINAL);
        for (JavaMember member : type.getMembers()) {
            if (!visible(member.getModifiers(), extensible)) {
                continue;
            }
            if (member instanceof JavaCodeUnit unit) {
                types.addAll(unit.getReturnType().getAllInvolvedRawTypes());
                for (JavaType parameter : unit.getParameterTypes()) {
                    types.addAll(parameter.getAllInvolvedRawTypes());
                }
            } else if (member instanceof com.tngtech.archunit.core.domain.JavaField field) {
                types.addAll(field.getType().getAllInvolvedRawTypes());
            }
        }
        return types;
    }

    private static boolean visible(Set<JavaModifier> modifiers, boolean extensible) {
        return !modifiers.contains(JavaModifier.SYNTHETIC)
                && !modifiers.contains(JavaModifier.BRIDGE)
                && (modifiers.contains(JavaModifier.PUBLIC)
                        || (extensible && modifiers.contains(JavaModifier.PROTECTED)));
    }

    /** Renders the module's API, or throws if a type cannot be loaded. */
    static String render(ApiModule module, JavaClasses classes) {
        TreeMap<String, List<String>> types = new TreeMap<>();
        for (JavaClass type : classes) {
            if (module.owns(type) && isApi(type)) {
                Class<?> loaded = load(type.getName());
                types.put(header(loaded), members(loaded));
            }
        }
        StringBuilder out = new StringBuilder();
        types.forEach((header, members) -> {
            out.append(header).append('\n');
            members.forEach(m -> out.append("    ").append(m).append('\n'));
            out.append('\n');
        });
        return out.toString();
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ApiDump.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("cannot load " + name + " to dump its API: " + e, e);
        }
    }

    private static String header(Class<?> type) {
        StringBuilder h = new StringBuilder(
                Modifier.toString(type.getModifiers() & ~Modifier.STATIC & ~Modifier.INTERFACE & ~Modifier.ABSTRACT));
        String kind = type.isAnnotation()
                ? "@interface"
                : type.isInterface() ? "interface" : type.isEnum() ? "enum" : type.isRecord() ? "record" : "class";
        if (!type.isInterface() && Modifier.isAbstract(type.getModifiers())) {
            h.append(" abstract");
        }
        if (type.isSealed()) {
            h.append(" sealed");
        }
        h.append(' ').append(kind).append(' ').append(type.getTypeName());
        if (type.getTypeParameters().length > 0) {
            h.append(Stream.of(type.getTypeParameters())
                    .map(Object::toString)
                    .reduce((a, b) -> a + ", " + b)
                    .map(s -> "<" + s + ">")
                    .orElse(""));
        }
        if (type.getGenericSuperclass() != null
                && !type.isEnum()
                && !type.isRecord()
                && type.getSuperclass() != Object.class) {
            h.append(" extends ").append(type.getGenericSuperclass().getTypeName());
        }
        if (type.getGenericInterfaces().length > 0) {
            h.append(type.isInterface() ? " extends " : " implements ");
            h.append(String.join(
                    ", ",
                    Stream.of(type.getGenericInterfaces())
                            .map(java.lang.reflect.Type::getTypeName)
                            .toList()));
        }
        return h.toString().trim();
    }

    private static List<String> members(Class<?> type) {
        boolean extensible = !Modifier.isFinal(type.getModifiers());
        Set<String> out = new TreeSet<>();
        List<Member> all = new ArrayList<>();
        all.addAll(List.of(type.getDeclaredFields()));
        all.addAll(List.of(type.getDeclaredConstructors()));
        all.addAll(List.of(type.getDeclaredMethods()));
        for (Member member : all) {
            int mods = member.getModifiers();
            boolean shown = Modifier.isPublic(mods) || (extensible && Modifier.isProtected(mods));
            if (!shown || member.isSynthetic() || (member instanceof Method m && m.isBridge())) {
                continue;
            }
            String text = member instanceof Method m
                    ? m.toGenericString()
                    : member instanceof Constructor<?> c ? c.toGenericString() : ((Field) member).toGenericString();
            // the declaring type is the heading already
            out.add(text.replace(type.getTypeName() + "." + member.getName(), member.getName()));
        }
        return new ArrayList<>(out);
    }

    /** Compares the module's API with its committed dump, or rewrites the dump when asked to. */
    static void check(ApiModule module, JavaClasses classes) {
        String actual = render(module, classes);
        Path file = module.dumpFile();
        try {
            if (Boolean.getBoolean(UPDATE_PROPERTY)) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
                return;
            }
            if (!Files.exists(file)) {
                fail("no API dump at " + file + "; create it with -D" + UPDATE_PROPERTY + "=true and commit it");
            }
            String committed = Files.readString(file, StandardCharsets.UTF_8);
            if (!committed.equals(actual)) {
                fail("the public API of " + module + " differs from " + file + " (- committed, + now):\n"
                        + difference(committed, actual)
                        + "\nIf the change is meant, rewrite the dump with -D" + UPDATE_PROPERTY
                        + "=true (see ArchitectureTest) and commit it with the change, so that review sees it.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String difference(String committed, String actual) {
        Set<String> before = new TreeSet<>(committed.lines().toList());
        Set<String> after = new TreeSet<>(actual.lines().toList());
        List<String> lines = new ArrayList<>();
        before.stream().filter(l -> !after.contains(l)).forEach(l -> lines.add("- " + l));
        after.stream().filter(l -> !before.contains(l)).forEach(l -> lines.add("+ " + l));
        int shown = Math.min(lines.size(), 80);
        return String.join("\n", lines.subList(0, shown))
                + (lines.size() > shown ? "\n… and " + (lines.size() - shown) + " more lines" : "");
    }
}
