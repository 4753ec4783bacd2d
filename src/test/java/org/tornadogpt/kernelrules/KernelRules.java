package org.tornadogpt.kernelrules;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeAnnotation;
import java.lang.classfile.attribute.RuntimeVisibleParameterAnnotationsAttribute;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LocalVariable;
import java.lang.classfile.instruction.NewMultiArrayInstruction;
import java.lang.classfile.instruction.NewObjectInstruction;
import java.lang.classfile.instruction.NewPrimitiveArrayInstruction;
import java.lang.classfile.instruction.NewReferenceArrayInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.ThrowInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks compiled kernel classes against TornadoVM's kernel rules, so kernels stay compilable by
 * TornadoVM although the build has no TornadoVM. Reads the class files with the JDK's class-file
 * API ({@code java.lang.classfile}).
 *
 * <p>What is checked: the <em>kernels</em> (every method with a {@code @Parallel} loop, and every
 * method used as a task: the entry points, found as method handles in the program's classes) and
 * the <em>helpers</em> they call (static methods of the kernel package, which TornadoVM inlines).
 * Host-side utilities of the package that no kernel reaches are not checked. A kernel must:
 * <ul>
 *   <li>be static, return void, have at most 15 parameters, each a {@code FloatArray},
 *       {@code IntArray} or a primitive, none annotated {@code @Reduce};</li>
 *   <li>carry a LocalVariableTable (without it TornadoVM's compiler bails out to the JVM);</li>
 *   <li>not allocate ({@code new}, {@code newarray}, {@code anewarray}, {@code multianewarray}),
 *       throw ({@code athrow}), catch, synchronise, touch fields, use {@code invokedynamic}
 *       (string concatenation, lambdas and similar), use the unsigned shift {@code >>>} (TornadoVM
 *       5.2's OpenCL backend emits it as a signed {@code >>}), recurse (directly or through helpers), or
 *       invoke anything outside the allowlist: {@code FloatArray}/{@code IntArray}
 *       {@code get/set/getSize}, {@code TornadoMath}'s functions, the {@code java.lang.Math}
 *       methods TornadoVM's backends map to device built-ins (min, max, abs, sqrt, exp, log, pow,
 *       and the trigonometric ones), and helpers of the kernel package;</li>
 *   <li>if it has a {@code @Parallel} loop (a type annotation on a local variable): start with
 *       {@code int first, int count}, and start that loop at a constant (TornadoVM 5.2 refuses a
 *       parallel loop that starts at a kernel argument).</li>
 * </ul>
 * A helper obeys the same rules except that it may return a primitive, and it has no
 * {@code @Parallel} loop.
 */
public final class KernelRules {
    private KernelRules() {}

    /** One broken rule: the class (binary name), the method (name + descriptor) and why. */
    public record Violation(String className, String method, String reason) {
        @Override
        public String toString() {
            return className + "." + method + ": " + reason;
        }
    }

    static final int MAX_PARAMETERS = 15;

    static final String API = "uk/ac/manchester/tornado/api/";
    static final ClassDesc FLOAT_ARRAY = ClassDesc.ofInternalName(API + "types/arrays/FloatArray");
    static final ClassDesc INT_ARRAY = ClassDesc.ofInternalName(API + "types/arrays/IntArray");
    static final ClassDesc TORNADO_MATH = ClassDesc.ofInternalName(API + "math/TornadoMath");
    static final ClassDesc JAVA_MATH = ClassDesc.of("java.lang.Math");
    static final String PARALLEL = "L" + API + "annotations/Parallel;";
    static final String REDUCE = "L" + API + "annotations/Reduce;";

    /** Array accessors: owner -> allowed "name descriptor". */
    static final Map<ClassDesc, Set<String>> ARRAY_METHODS = Map.of(
            FLOAT_ARRAY, Set.of("get(I)F", "set(IF)V", "getSize()I"),
            INT_ARRAY, Set.of("get(I)I", "set(II)V", "getSize()I"));

    /** java.lang.Math methods that TornadoVM's OpenCL/PTX/SPIR-V graph builders replace by device built-ins. */
    static final Set<String> MAPPED_MATH = Set.of("min", "max", "abs", "sqrt", "exp", "log", "pow",
            "sin", "cos", "tan", "tanh", "atan", "atan2", "asin", "acos");

    /**
     * Checks one class as its own kernel package: every method that no other method of the class
     * calls is a kernel, the methods they call are helpers.
     */
    public static List<Violation> check(byte[] classFile) {
        ClassModel cm = ClassFile.of().parse(classFile);
        String owner = cm.thisClass().asInternalName();
        Set<String> called = new HashSet<>();
        for (MethodModel m : cm.methods()) {
            String id = owner + "." + m.methodName().stringValue() + m.methodType().stringValue();
            m.code().ifPresent(code -> {
                for (CodeElement e : code)
                    if (e instanceof InvokeInstruction inv && inv.owner().asInternalName().equals(owner)) {
                        String target = owner + "." + inv.name().stringValue() + inv.type().stringValue();
                        if (!target.equals(id)) called.add(target);
                    }
            });
        }
        Set<String> entries = new LinkedHashSet<>();
        for (MethodModel m : cm.methods()) {
            String name = m.methodName().stringValue();
            String id = owner + "." + name + m.methodType().stringValue();
            if (!name.startsWith("<") && !called.contains(id)) entries.add(id);
        }
        return check(List.of(classFile), packageOf(owner), entries);
    }

    /**
     * Checks a kernel package.
     *
     * @param classFiles  the package's class files
     * @param pkg         its internal name, e.g. {@code org/tornadogpt/kernels}
     * @param entryPoints methods used as tasks, as {@code owner.name descriptor} with internal names
     *                    ({@code org/tornadogpt/kernels/MatmulKernels.forward(II...)V}); methods with
     *                    a {@code @Parallel} loop are kernels anyway
     */
    public static List<Violation> check(List<byte[]> classFiles, String pkg, Set<String> entryPoints) {
        Map<String, MethodModel> methods = new LinkedHashMap<>();
        Map<String, ClassModel> owners = new HashMap<>();
        for (byte[] b : classFiles) {
            ClassModel cm = ClassFile.of().parse(b);
            for (MethodModel m : cm.methods()) {
                String id = cm.thisClass().asInternalName() + "." + m.methodName().stringValue() + m.methodType().stringValue();
                methods.put(id, m);
                owners.put(id, cm);
            }
        }
        Set<String> kernels = new LinkedHashSet<>();
        for (var e : methods.entrySet()) {
            String name = e.getValue().methodName().stringValue();
            if (name.startsWith("<")) continue;
            if (entryPoints.contains(e.getKey()) || hasParallelLoop(e.getValue())) kernels.add(e.getKey());
        }
        // helpers: what the kernels call in the package, transitively
        Map<String, List<String>> calls = new LinkedHashMap<>();
        Set<String> helpers = new LinkedHashSet<>();
        Deque<String> work = new ArrayDeque<>(kernels);
        Set<String> seen = new HashSet<>(kernels);
        while (!work.isEmpty()) {
            String id = work.pop();
            List<String> cs = packageCalls(methods.get(id), pkg);
            calls.put(id, cs);
            for (String c : cs) {
                if (methods.containsKey(c) && seen.add(c)) {
                    helpers.add(c);
                    work.push(c);
                }
            }
        }
        List<Violation> out = new ArrayList<>();
        for (String id : methods.keySet()) {
            boolean kernel = kernels.contains(id), helper = helpers.contains(id);
            if (!kernel && !helper) continue;
            ClassModel cm = owners.get(id);
            new MethodCheck(cm.thisClass().asInternalName().replace('/', '.'), cm.thisClass().asSymbol(), methods.get(id),
                    id.substring(id.indexOf('.') + 1), pkg, kernel, methods, out).run();
        }
        reportCycles(calls, owners, out);
        return out;
    }

    static String packageOf(String internalName) {
        int i = internalName.lastIndexOf('/');
        return i < 0 ? "" : internalName.substring(0, i);
    }

    static boolean inPackage(ClassDesc owner, String pkg) {
        return packageOf(owner.descriptorString().substring(1, owner.descriptorString().length() - 1)).equals(pkg);
    }

    /** The package methods a method invokes (statically), as ids. */
    static List<String> packageCalls(MethodModel m, String pkg) {
        List<String> out = new ArrayList<>();
        m.code().ifPresent(code -> {
            for (CodeElement e : code)
                if (e instanceof InvokeInstruction inv && !inv.owner().asSymbol().isArray() && inPackage(inv.owner().asSymbol(), pkg)) {
                    String id = inv.owner().asInternalName() + "." + inv.name().stringValue() + inv.type().stringValue();
                    if (!out.contains(id)) out.add(id);
                }
        });
        return out;
    }

    static boolean hasParallelLoop(MethodModel m) {
        return m.code().flatMap(c -> c.findAttribute(Attributes.runtimeVisibleTypeAnnotations()))
                .map(a -> a.annotations().stream().anyMatch(t -> t.annotation().className().stringValue().equals(PARALLEL)))
                .orElse(false);
    }

    /** Reports every call cycle (recursion, direct or through helpers) once, at its first method. */
    static void reportCycles(Map<String, List<String>> calls, Map<String, ClassModel> owners, List<Violation> out) {
        Set<String> reported = new HashSet<>();
        for (String start : calls.keySet()) {
            List<String> cycle = findCycle(start, start, calls, new ArrayList<>(List.of(start)), new HashSet<>());
            if (cycle == null) continue;
            Set<String> key = new HashSet<>(cycle);
            if (!reported.add(String.join(",", new java.util.TreeSet<>(key)))) continue;
            String path = cycle.stream().map(id -> { String noDesc = id.substring(0, id.indexOf('(')); return noDesc.substring(noDesc.lastIndexOf('/') + 1); }).reduce((a, b) -> a + " -> " + b).orElse("");
            String cls = owners.get(start).thisClass().asInternalName().replace('/', '.');
            out.add(new Violation(cls, start.substring(start.indexOf('.') + 1),
                    cycle.size() == 2 ? "recurses: calls itself" : "recurses through " + path));
        }
    }

    private static List<String> findCycle(String start, String at, Map<String, List<String>> calls, List<String> path, Set<String> visited) {
        for (String next : calls.getOrDefault(at, List.of())) {
            if (next.equals(start)) {
                List<String> c = new ArrayList<>(path);
                c.add(start);
                return c;
            }
            if (calls.containsKey(next) && visited.add(next)) {
                path.add(next);
                List<String> c = findCycle(start, next, calls, path, visited);
                if (c != null) return c;
                path.removeLast();
            }
        }
        return null;
    }

    /** A type's Java name: package-qualified class names, primitives, arrays with []. */
    static String fqn(ClassDesc d) {
        if (d.isArray()) return fqn(d.componentType()) + "[]";
        if (d.isPrimitive() || d.packageName().isEmpty()) return d.displayName();
        return d.packageName() + "." + d.displayName();
    }

    private static final class MethodCheck {
        final String cls;
        final ClassDesc self;
        final MethodModel m;
        final String id;
        final String pkg;
        final boolean kernel;
        final Map<String, MethodModel> methods;
        final List<Violation> out;

        MethodCheck(String cls, ClassDesc self, MethodModel m, String id, String pkg, boolean kernel,
                    Map<String, MethodModel> methods, List<Violation> out) {
            this.cls = cls;
            this.self = self;
            this.m = m;
            this.id = id;
            this.pkg = pkg;
            this.kernel = kernel;
            this.methods = methods;
            this.out = out;
        }

        void fail(String reason) {
            out.add(new Violation(cls, id, reason));
        }

        void run() {
            MethodTypeDesc type = m.methodTypeSymbol();
            boolean isStatic = m.flags().has(AccessFlag.STATIC);
            if (!isStatic) fail(kernel ? "not static: a kernel is a static method" : "not static: a helper kernels call must be static");
            if (kernel && !type.returnType().descriptorString().equals("V")) fail("returns " + type.returnType().displayName() + ": a kernel returns void");
            if (!kernel && !type.returnType().isPrimitive()) fail("returns " + fqn(type.returnType()) + ": a helper returns a primitive or void");
            if (type.parameterCount() > MAX_PARAMETERS)
                fail(type.parameterCount() + " parameters: TornadoVM kernels here take at most " + MAX_PARAMETERS);
            for (int i = 0; i < type.parameterCount(); i++) {
                ClassDesc p = type.parameterType(i);
                if (!p.isPrimitive() && !p.equals(FLOAT_ARRAY) && !p.equals(INT_ARRAY))
                    fail("parameter " + i + " has type " + fqn(p) + ": only FloatArray, IntArray and primitives are allowed");
            }
            m.findAttribute(Attributes.runtimeVisibleParameterAnnotations()).ifPresent(this::checkParameterAnnotations);
            m.findAttribute(Attributes.runtimeInvisibleParameterAnnotations()).ifPresent(a -> {
                for (var list : a.parameterAnnotations())
                    for (var an : list)
                        if (an.className().stringValue().equals(REDUCE)) fail("uses @Reduce: sum with explicit loops instead");
            });
            CodeModel code = m.code().orElse(null);
            if (code == null) {
                fail("has no code (abstract or native)");
                return;
            }
            if (code.findAttribute(Attributes.localVariableTable()).isEmpty())
                fail("has no LocalVariableTable: compile with -g (TornadoVM bails out to the JVM without it)");
            checkInstructions(code);
            checkParallelLoops(code, type);
        }

        void checkParameterAnnotations(RuntimeVisibleParameterAnnotationsAttribute a) {
            for (var list : a.parameterAnnotations())
                for (var an : list)
                    if (an.className().stringValue().equals(REDUCE)) fail("uses @Reduce: sum with explicit loops instead");
        }

        void checkInstructions(CodeModel code) {
            for (CodeElement e : code) {
                switch (e) {
                    case NewObjectInstruction n -> fail("allocates: new " + fqn(n.className().asSymbol()));
                    case NewPrimitiveArrayInstruction n -> fail("allocates: newarray " + fqn(n.typeKind().upperBound()) + "[]");
                    case NewReferenceArrayInstruction n -> fail("allocates: anewarray " + fqn(n.componentType().asSymbol()) + "[]");
                    case NewMultiArrayInstruction n -> fail("allocates: multianewarray " + fqn(n.arrayType().asSymbol()));
                    case ThrowInstruction t -> fail("throws: athrow");
                    case ExceptionCatch c -> fail("catches exceptions: a try/catch or finally block");
                    case InvokeDynamicInstruction d -> fail("uses invokedynamic (" + d.name().stringValue()
                            + "): string concatenation, lambdas and similar are not allowed in kernels");
                    case InvokeInstruction inv -> checkInvoke(inv);
                    case FieldInstruction f -> fail("accesses field " + fqn(f.owner().asSymbol()) + "." + f.name().stringValue()
                            + ": kernels use only their parameters and locals");
                    case Instruction i when i.opcode() == Opcode.IUSHR || i.opcode() == Opcode.LUSHR ->
                            fail("uses the unsigned shift >>> (" + i.opcode().name().toLowerCase() + "): TornadoVM 5.2's OpenCL backend"
                                    + " emits it as a signed >>; write (x >> s) & mask");
                    case Instruction i when i.opcode() == Opcode.MONITORENTER || i.opcode() == Opcode.MONITOREXIT ->
                            fail("synchronises: " + i.opcode().name().toLowerCase());
                    default -> { }
                }
            }
        }

        void checkInvoke(InvokeInstruction inv) {
            ClassDesc owner = inv.owner().asSymbol();
            String name = inv.name().stringValue();
            String desc = inv.type().stringValue();
            Set<String> arr = ARRAY_METHODS.get(owner);
            if (arr != null && inv.opcode() == Opcode.INVOKEVIRTUAL && arr.contains(name + desc)) return;
            if (inv.opcode() == Opcode.INVOKESTATIC) {
                if (owner.equals(TORNADO_MATH) && !name.startsWith("isEqual") && primitiveOnly(inv.typeSymbol())) return;
                if (owner.equals(JAVA_MATH) && MAPPED_MATH.contains(name) && primitiveOnly(inv.typeSymbol())) return;
                if (!owner.isArray() && inPackage(owner, pkg)) {
                    MethodModel target = methods.get(inv.owner().asInternalName() + "." + name + desc);
                    if (target == null) fail("calls " + fqn(owner) + "." + name + desc + ", which is not in the kernel package's classes");
                    else if (hasParallelLoop(target)) fail("calls kernel " + fqn(owner) + "." + name + ", which has a @Parallel loop");
                    return; // a helper: checked itself, and for cycles
                }
            }
            if (!owner.isArray() && inPackage(owner, pkg)) return; // instance call into the package: the target is reported as not static
            fail("calls " + fqn(owner) + "." + name + desc + " (" + inv.opcode().name().toLowerCase()
                    + "), which is outside the allowlist (FloatArray/IntArray get/set/getSize, TornadoMath, mapped java.lang.Math, kernel-package helpers)");
        }

        static boolean primitiveOnly(MethodTypeDesc t) {
            if (!t.returnType().isPrimitive()) return false;
            for (ClassDesc p : t.parameterList()) if (!p.isPrimitive()) return false;
            return true;
        }

        /** Finds @Parallel locals; checks the launch convention and that each loop starts at a constant. */
        void checkParallelLoops(CodeModel code, MethodTypeDesc type) {
            var ta = code.findAttribute(Attributes.runtimeVisibleTypeAnnotations());
            if (ta.isEmpty()) return;
            List<TypeAnnotation.LocalVarTargetInfo> parallel = new ArrayList<>();
            for (TypeAnnotation a : ta.get().annotations()) {
                if (!a.annotation().className().stringValue().equals(PARALLEL)) continue;
                if (a.targetInfo() instanceof TypeAnnotation.LocalVarTarget lv) parallel.addAll(lv.table());
            }
            for (TypeAnnotation a : ta.get().annotations())
                if (a.annotation().className().stringValue().equals(REDUCE)) fail("uses @Reduce: sum with explicit loops instead");
            if (parallel.isEmpty()) return;

            boolean convention = type.parameterCount() >= 2
                    && type.parameterType(0).descriptorString().equals("I")
                    && type.parameterType(1).descriptorString().equals("I");
            if (convention) {
                int slot0 = m.flags().has(AccessFlag.STATIC) ? 0 : 1;
                String n0 = localName(code, slot0), n1 = localName(code, slot0 + 1);
                if (n0 != null && n1 != null && !(n0.equals("first") && n1.equals("count"))) convention = false;
            }
            if (!convention)
                fail("has a @Parallel loop but does not start with (int first, int count): the launch convention");

            List<CodeElement> els = code.elementList();
            for (TypeAnnotation.LocalVarTargetInfo info : parallel) {
                if (!startsAtConstant(els, info.startLabel(), info.index()))
                    fail("its @Parallel loop variable (slot " + info.index() + ") does not start at a constant:"
                            + " write for (@Parallel int i = 0; i < count; i++) { int r = first + i; ... }");
            }
        }

        /** Whether the last two instructions before {@code start} are "push constant; istore slot". */
        static boolean startsAtConstant(List<CodeElement> els, Label start, int slot) {
            int at = -1;
            for (int i = 0; i < els.size(); i++)
                if (els.get(i) instanceof LabelTarget lt && lt.label().equals(start)) { at = i; break; }
            if (at < 0) return false;
            Instruction store = null, before = null;
            for (int i = at - 1; i >= 0 && before == null; i--) {
                if (els.get(i) instanceof Instruction ins) {
                    if (store == null) store = ins;
                    else before = ins;
                }
            }
            return store instanceof StoreInstruction s && s.slot() == slot && before instanceof ConstantInstruction;
        }

        static String localName(CodeModel code, int slot) {
            for (CodeElement e : code)
                if (e instanceof LocalVariable lv && lv.slot() == slot) return lv.name().stringValue();
            return null;
        }
    }
}
